using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sse.PostgreSql.Node;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.Redis;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Runtime.Infrastructure;
using Sse.Tests;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Redis.Tests;

/// <summary>The Redis log's own promises: idempotent appends, honest epochs when a head goes back, a constant number of connections per node.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class RedisLogTests(RedisFixture redis, ITestOutputHelper output)
{
    private static readonly SseEventFormat<string> Text = SseEventFormat.Text();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RequiresRedisFact]
    public async Task IdempotentPublish_SameKeyTwice_OneEventOneId_AnotherKeyIsAnotherEvent()
    {
        await using var log = await RedisFixture.CreateLogAsync(redis.Server.Configuration, RedisFixture.NewPrefix());
        using var hub = new SseHub(log, Options.Create(new SseHubOptions()));
        var topic = hub.Topic("orders", Text);
        using var cts = new CancellationTokenSource(Timeout);
        await using var reader = topic.SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = reader.MoveNextAsync();
        await WaitForSubscriberAsync(topic);

        var id = await topic.PublishAsync("order 1 placed", "order-1", cts.Token);
        var again = await topic.PublishAsync("order 1 placed (retried)", "order-1", cts.Token);
        var other = await topic.PublishAsync("order 2 placed", "order-2", cts.Token);

        Assert.Equal(id, again);
        Assert.NotEqual(id, other);
        Assert.True(await first);
        Assert.Equal(("order 1 placed", id), (reader.Current.Data, reader.Current.EventId));
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(("order 2 placed", other), (reader.Current.Data, reader.Current.EventId));
        var kept = await log.ReadAsync("orders", 0, 10, cts.Token);
        Assert.Equal(["order 1 placed", "order 2 placed"], kept.Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span)));
    }

    [RequiresRedisFact]
    public async Task Retention_ByAgeAndCount_ReportedFromTheFirstKeptEntry_KeysExpire()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var prefix = RedisFixture.NewPrefix();
        var hub = new SseHubOptions { ReplayAge = TimeSpan.FromMinutes(1), ReplayCount = 50 };
        await using var log = new RedisSseTopicLog(
            Options.Create(new SseRedisOptions { Configuration = redis.Server.Configuration, KeyPrefix = prefix, TopicExpiry = TimeSpan.FromHours(2) }),
            Options.Create(hub), timeProvider: clock);
        await log.InitializeAsync();
        var old = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            old.Add((await log.AppendAsync("aged", new SseTopicEventContent(null, Encoding.UTF8.GetBytes("old " + i)), default)).Position);
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = (await log.AppendAsync("aged", new SseTopicEventContent("named", "new"u8.ToArray()), default)).Position;
        var head = await log.GetHeadAsync("aged", default);
        Assert.Equal((fresh, old[^1]), (head.Position, head.DiscardedUpTo));
        Assert.True((await log.ReadAsync("aged", old[0], 10, default)).IsTruncated);
        var kept = await log.ReadAsync("aged", old[^1], 10, default);
        Assert.False(kept.IsTruncated);
        Assert.Equal([("named", "new")], kept.Events.Select(static e => (e.EventType, Encoding.UTF8.GetString(e.Data.Span))));
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), kept.Events[0].Timestamp.ToUnixTimeMilliseconds());

        // By count: MAXLEN ~ keeps at least the count, and what it removed is reported from the first kept entry.
        for (var i = 0; i < 1_000; i++)
        {
            await log.AppendAsync("counted", new SseTopicEventContent(null, Encoding.UTF8.GetBytes("event " + i)), default);
        }

        var counted = await log.GetHeadAsync("counted", default);
        var all = await log.ReadAsync("counted", counted.DiscardedUpTo, 2_000, default);
        output.WriteLine($"Count 50 of 1,000: kept {all.Events.Count}, discarded up to {counted.DiscardedUpTo}.");
        Assert.InRange(all.Events.Count, 50, 999);
        Assert.Equal(counted.DiscardedUpTo + 1, all.Events[0].Position);
        Assert.True((await log.ReadAsync("counted", counted.DiscardedUpTo - 1, 10, default)).IsTruncated);

        // The keys expire (the topic expiry), so topics nobody uses again do not stay.
        var ttl = await log.Connection.GetDatabase().KeyTimeToLiveAsync(prefix + "{t:counted}:m");
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
    }

    [RequiresRedisFact]
    public async Task IdempotentPublish_OnAnotherLog_SaysWhatItNeeds()
    {
        using var hub = new SseHub(new InMemorySseTopicLog(Options.Create(new SseHubOptions())), Options.Create(new SseHubOptions()));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await hub.Topic("t", Text).PublishAsync("x", "key"));
        Assert.Contains("AddSseRedis", error.Message, StringComparison.Ordinal);
    }

    [RequiresRedisFact]
    public async Task WatchedTopicsHeadGoesBack_LostWrites_TheNodeStartsANewEpoch_ItsSubscribersGetTheReset()
    {
        var prefix = RedisFixture.NewPrefix();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var rotations = new MetricCollector<long>(meters, "Sse.Runtime.AspNetCore.Redis", "sse.redis.epoch.rotations");
        using var resets = new MetricCollector<long>(meters, "Sse.Runtime.AspNetCore", "sse.server.resets");
        await using var log = new RedisSseTopicLog(
            Options.Create(new SseRedisOptions { Configuration = redis.Server.Configuration, KeyPrefix = prefix, PollInterval = TimeSpan.FromMilliseconds(300) }),
            Options.Create(new SseHubOptions()),
            meterFactory: meters);
        using var hub = new SseHub(log, Options.Create(new SseHubOptions()), meters);
        var topic = hub.Topic("lossy", Text);
        using var cts = new CancellationTokenSource(Timeout);
        await using var reader = topic.SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = reader.MoveNextAsync();
        await WaitForSubscriberAsync(topic);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await topic.PublishAsync("event " + i, cts.Token));
        }

        Assert.True(await first);
        for (var i = 1; i < 5; i++)
        {
            Assert.True(await reader.MoveNextAsync());
        }

        // As a crash before the last writes reached the disk leaves it: the counter back at 2, events 3 to 5 gone.
        var meta = (await log.Connection.GetServer(redis.Server.Configuration.Split(',')[0]).KeysAsync(pattern: prefix + "*:m").ToListAsync(cts.Token)).Single();
        var stream = meta.ToString()[..^1] + "s";
        var database = log.Connection.GetDatabase();
        var epochBefore = (string?)await database.HashGetAsync(meta, "epoch");
        await database.StreamDeleteAsync(stream, ["3-0", "4-0", "5-0"]);
        await database.HashSetAsync(meta, "head", 2);

        var reset = await Assert.ThrowsAsync<SseResumeRejectedException>(async () => await reader.MoveNextAsync());
        output.WriteLine(reset.Reason);
        var epochAfter = (string?)await log.Connection.GetDatabase().HashGetAsync(meta, "epoch");
        Assert.NotEqual(epochBefore, epochAfter);
        Assert.Equal(1, resets.GetMeasurementSnapshot().Sum(static m => m.Value));

        // The next event is of the new epoch: no id handed out before can be confused with it.
        var next = await topic.PublishAsync("after", cts.Token);
        Assert.StartsWith(epochAfter + "-", next, StringComparison.Ordinal);
        Assert.DoesNotContain(next, ids);

        // Operators see it: the rotation is counted once the next poll sees the new epoch.
        using var deadline = new CancellationTokenSource(Timeout);
        while (rotations.GetMeasurementSnapshot().Sum(static m => m.Value) == 0)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    [RequiresRedisFact]
    public async Task ANode_HoldsTwoRedisConnections_AndOneSubscriptionPerTopic_WithOneOrTwoHundredStreams()
    {
        var prefix = RedisFixture.NewPrefix();
        var name = "node-" + Guid.NewGuid().ToString("N")[..6];
        await using var node = await AppProcess.StartBuiltServerAsync("tests/apps/Sse.PostgreSql.Node", "--Node", "b", "--Log", "redis", "--Redis", redis.Server.Configuration + ",name=" + name, "--KeyPrefix", prefix);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 300 }) { BaseAddress = node.Address };
        var client = new NodeFeedClient(http);
        var subscriptions = new List<SseSubscription<Note>> { await client.Topic("t0").ConnectAsync() };
        var one = await ConnectionsNamedAsync(name);
        for (var i = 1; i < 200; i++)
        {
            subscriptions.Add(await client.Topic("t" + (i % 20)).ConnectAsync());
        }

        var many = await ConnectionsNamedAsync(name);
        var perTopic = await redis.Server.CommandAsync("PUBSUB", "NUMSUB", prefix + "{t:t/t0}:n");
        output.WriteLine($"Connections: {one} with 1 stream, {many} with 200 streams over 20 topics; PUBSUB NUMSUB t0: {perTopic.Replace("\r\n", " ", StringComparison.Ordinal)}");
        Assert.Equal(2, one);
        Assert.Equal(2, many);
        Assert.EndsWith(":1", perTopic.Trim(), StringComparison.Ordinal);
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    private static async Task WaitForSubscriberAsync(SseTopic<string> topic)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (topic.SubscriberCount == 0)
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    private async Task<int> ConnectionsNamedAsync(string name)
    {
        var list = await redis.Server.CommandAsync("CLIENT", "LIST");
        return list.Split('\n').Count(line => line.Contains(" name=" + name + " ", StringComparison.Ordinal));
    }
}

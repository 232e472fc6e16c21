using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Runtime.AspNetCore.PostgreSql;
using Sse.Runtime.Infrastructure;
using Sse.Tests;
using Xunit;

namespace Sse.PostgreSql.Tests;

/// <summary>The PostgreSQL topic log in one process: positions, reads, retention, the outbox, restarts.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "PostgreSql")]
public sealed class PostgreSqlLogTests(PostgresFixture postgres)
{
    private static readonly SseEventFormat<string> Text = SseEventFormat.Text();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [RequiresPostgresFact]
    public async Task Append_AssignsIncreasingPositions_ReadReturnsTheRest_WithTheHead()
    {
        var (_, log) = await postgres.CreateHubAsync();
        await using var _ = log;
        var positions = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            positions.Add(await log.AppendAsync("a", i % 2 == 0 ? "even" : null, Encoding.UTF8.GetBytes($"item {i}"), default));
        }

        await log.AppendAsync("b", null, "other"u8.ToArray(), default);
        Assert.True(positions.SequenceEqual(positions.Order()) && positions.Distinct().Count() == 5, string.Join(",", positions));

        var read = await log.ReadAsync("a", positions[1], 10, default);
        Assert.Equal(positions[2..], read.Events.Select(static e => e.Position));
        Assert.Equal(["item 2", "item 3", "item 4"], read.Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span)));
        Assert.Equal(["even", null, "even"], read.Events.Select(static e => e.EventType));
        Assert.Equal(positions[^1], read.Head);
        Assert.False(read.IsTruncated);

        var limited = await log.ReadAsync("a", 0, 2, default);
        Assert.Equal(positions[..2], limited.Events.Select(static e => e.Position));

        // Positions a topic never reached, and topics that never had an event, cannot be resumed from.
        Assert.True((await log.ReadAsync("a", positions[^1] + 1000, 10, default)).IsTruncated);
        Assert.True((await log.ReadAsync("never", 5, 10, default)).IsTruncated);
        Assert.False((await log.ReadAsync("never", 0, 10, default)).IsTruncated);
    }

    [RequiresPostgresFact]
    public async Task ConcurrentPublishes_AreCommittedTogether_EachPublishersOrderKept_NothingLostOrDuplicated()
    {
        var schema = PostgresFixture.NewSchema();
        var (_, log) = await postgres.CreateHubAsync(schema);
        await using var _ = log;
        const int Publishers = 32, Each = 50;
        var commitsBefore = await ScalarAsync("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");

        // 32 publishers on 4 topics, each awaiting its publishes one after another.
        var positions = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async p =>
        {
            var mine = new List<long>();
            for (var i = 0; i < Each; i++)
            {
                mine.Add(await log.AppendAsync($"t{p % 4}", null, Encoding.UTF8.GetBytes($"{p}:{i}"), default));
            }

            return mine;
        }));

        await Task.Delay(200); // pg_stat_database is updated when a backend reports, shortly after.
        var commits = await ScalarAsync("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()") - commitsBefore;
        // One at a time, each publish is about two commits (its transaction, and the pool's reset of the connection).
        Assert.True(commits < Publishers * Each, $"{commits} commits for {Publishers * Each} publishes: they were not committed together.");
        Assert.All(positions, static mine => Assert.True(mine.SequenceEqual(mine.Order()) && mine.Distinct().Count() == mine.Count));
        Assert.Equal(Publishers * Each, positions.SelectMany(static p => p).Distinct().Count());

        for (var topic = 0; topic < 4; topic++)
        {
            var read = await log.ReadAsync($"t{topic}", 0, int.MaxValue, default);
            var items = read.Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span).Split(':')).ToList();
            Assert.Equal(Publishers / 4 * Each, items.Count);
            foreach (var publisher in items.GroupBy(static i => i[0]))
            {
                Assert.Equal(Enumerable.Range(0, Each).Select(static i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), publisher.Select(static i => i[1]));
            }
        }

        // A publish canceled before its transaction began is not published.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await log.AppendAsync("t0", null, "canceled"u8.ToArray(), new CancellationToken(canceled: true)));
        Assert.DoesNotContain((await log.ReadAsync("t0", 0, int.MaxValue, default)).Events, static e => e.Data.Span.SequenceEqual("canceled"u8));
    }

    [RequiresPostgresFact]
    public async Task APublishPostgreSqlRefuses_FailsAlone_TheOthersCommittedWithItAreNotLost()
    {
        var (_, log) = await postgres.CreateHubAsync();
        await using var _ = log;

        // A topic name too long for the topics table's index (random text, so compression cannot save it) is refused
        // by PostgreSQL; the publishes that shared its transaction go again without it.
        var tooLong = string.Concat(Enumerable.Range(0, 400).Select(static _ => Guid.NewGuid().ToString("N")));
        var good = Enumerable.Range(0, 20).Select(i => log.AppendAsync($"ok-{i % 3}", null, Encoding.UTF8.GetBytes($"good {i}"), default).AsTask()).ToList();
        var bad = log.AppendAsync(tooLong, null, "bad"u8.ToArray(), default).AsTask();
        good.AddRange(Enumerable.Range(20, 20).Select(i => log.AppendAsync($"ok-{i % 3}", null, Encoding.UTF8.GetBytes($"good {i}"), default).AsTask()));

        await Assert.ThrowsAsync<PostgresException>(() => bad);
        var positions = await Task.WhenAll(good);
        Assert.Equal(40, positions.Distinct().Count());
        var kept = new List<string>();
        for (var topic = 0; topic < 3; topic++)
        {
            kept.AddRange((await log.ReadAsync($"ok-{topic}", 0, int.MaxValue, default)).Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span)));
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(static i => $"good {i}").Order(), kept.Order());

        // NUL cannot be stored in PostgreSQL text at all: refused before anything is sent, naming the cause.
        var nul = await Assert.ThrowsAsync<ArgumentException>(async () => await log.AppendAsync("a\0b", null, "x"u8.ToArray(), default));
        Assert.Contains("NUL", nul.Message, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task Epoch_IsTheDatabasesOwn_SharedByEveryLogOnTheSchema()
    {
        var schema = PostgresFixture.NewSchema();
        var (_, first) = await postgres.CreateHubAsync(schema);
        var (_, second) = await postgres.CreateHubAsync(schema);
        var (_, other) = await postgres.CreateHubAsync();
        await using (first)
        await using (second)
        await using (other)
        {
            Assert.Matches("^[0-9a-f]{8}$", first.Epoch);
            Assert.Equal(first.Epoch, second.Epoch);
            Assert.NotEqual(first.Epoch, other.Epoch);
        }
    }

    [RequiresPostgresFact]
    public async Task HubsOnTwoLogs_ShareTopics_AndResumeFromEachOthersIds()
    {
        var schema = PostgresFixture.NewSchema();
        var (hubA, logA) = await postgres.CreateHubAsync(schema);
        var (hubB, logB) = await postgres.CreateHubAsync(schema);
        await using var _ = logA;
        await using var __ = logB;
        using var cts = new CancellationTokenSource(Timeout);

        await using var onA = hubA.Topic("room", Text).SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var firstOnA = onA.MoveNextAsync();
        await WaitForAsync(() => hubA.GetSubscriberCount("room") == 1);
        await using var onB = hubB.Topic("room", Text).SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var firstOnB = onB.MoveNextAsync();
        await WaitForAsync(() => hubB.GetSubscriberCount("room") == 1);

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var hub = i % 2 == 0 ? hubA : hubB;
            ids.Add(await hub.Topic("room", Text).PublishAsync($"m{i}", cts.Token));
        }

        var expected = Enumerable.Range(0, 20).Select(static i => $"m{i}").ToList();
        Assert.Equal(expected, await TakeAsync(onA, firstOnA, 20));
        Assert.Equal(expected, await TakeAsync(onB, firstOnB, 20));

        // A client of A resumes on B from the id A gave it.
        var resumed = new List<string>();
        await foreach (var item in hubB.Topic("room", Text).SubscribeAsync(ids[14], cts.Token))
        {
            resumed.Add(item.Data);
            if (resumed.Count == 5)
            {
                break;
            }
        }

        Assert.Equal(expected[15..], resumed);
    }

    [RequiresPostgresFact]
    public async Task Retention_ByCountAndAge_InBulk_ThenResumingFromBeforeItIsRefused()
    {
        var (hub, log) = await postgres.CreateHubAsync(hub: static o => o.ReplayCount = 3);
        await using var _ = log;
        var topic = hub.Topic("kept", Text);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await topic.PublishAsync($"k{i}"));
        }

        Assert.True(await log.ApplyRetentionAsync());
        var all = await log.ReadAsync("kept", 0, 100, default);
        Assert.Equal(["k7", "k8", "k9"], all.Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span)));
        Assert.True(all.IsTruncated);

        // From the newest removed one on, resuming works; before it, the subscriber is told it cannot resume.
        Assert.Equal(["k7", "k8", "k9"], await TakeAsync(topic.SubscribeAsync(ids[6]), 3));
        var ex = await Assert.ThrowsAsync<SseResumeRejectedException>(() => TakeAsync(topic.SubscribeAsync(ids[5]), 1));
        Assert.Contains("no longer kept", ex.Reason, StringComparison.Ordinal);

        // By age: everything older than ReplayAge goes.
        var (ageHub, ageLog) = await postgres.CreateHubAsync(hub: static o => o.ReplayAge = TimeSpan.FromMilliseconds(300));
        await using var ___ = ageLog;
        await ageHub.Topic("aged", Text).PublishAsync("old");
        await Task.Delay(1000);
        await ageHub.Topic("aged", Text).PublishAsync("new");
        Assert.True(await ageLog.ApplyRetentionAsync());
        Assert.Equal(["new"], (await ageLog.ReadAsync("aged", 0, 10, default)).Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span)));
    }

    [RequiresPostgresFact]
    public async Task Retention_ForgetsUnwatchedTopicsItEmptied_WatchedOnesStay_StaleResumesAreRefused()
    {
        var schema = PostgresFixture.NewSchema();
        var (hub, log) = await postgres.CreateHubAsync(schema, static o => o.ReplayAge = TimeSpan.FromMilliseconds(300));
        await using var _ = log;
        using var cts = new CancellationTokenSource(Timeout);

        // A live subscriber of one per-user topic, and two per-user topics with nobody listening.
        await using var live = hub.Topic("user/1", Text).SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var firstLive = live.MoveNextAsync();
        await WaitForAsync(() => hub.GetSubscriberCount("user/1") == 1);
        var oldId1 = await hub.Topic("user/1", Text).PublishAsync("one", cts.Token);
        Assert.Equal(["one"], await TakeAsync(live, firstLive, 1));
        var oldId3 = await hub.Topic("user/3", Text).PublishAsync("three", cts.Token);
        await hub.Topic("user/3", Text).PublishAsync("three, second", cts.Token);
        var lastId2 = await hub.Topic("user/2", Text).PublishAsync("two", cts.Token);

        // Retention empties all three; it forgets the rows of the two nobody watches, not the watched one.
        await Task.Delay(1000, cts.Token);
        Assert.True(await log.ApplyRetentionAsync(cts.Token));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM {schema}.topics"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM {schema}.events"));

        // The newest id of the last topic forgotten is still a place to resume from: nothing came after it.
        await using var resumed = hub.Topic("user/2", Text).SubscribeAsync(lastId2, cts.Token).GetAsyncEnumerator(cts.Token);
        var firstResumed = resumed.MoveNextAsync();
        await WaitForAsync(() => hub.GetSubscriberCount("user/2") == 1);

        // Subscribed before, resumed after: both receive the topics' next events, with no reset.
        await hub.Topic("user/1", Text).PublishAsync("one again", cts.Token);
        await hub.Topic("user/2", Text).PublishAsync("two again", cts.Token);
        Assert.Equal(["one again"], await TakeAsync(live, live.MoveNextAsync(), 1));
        Assert.Equal(["two again"], await TakeAsync(resumed, firstResumed, 1));

        // The watched topic lost only what its subscriber had: resuming after its last id misses nothing. An id from
        // before a forgotten topic's last event is refused (that event is gone).
        Assert.Equal(["one again"], await TakeAsync(hub.Topic("user/1", Text).SubscribeAsync(oldId1), 1));
        await hub.Topic("user/3", Text).PublishAsync("three again", cts.Token);
        var ex = await Assert.ThrowsAsync<SseResumeRejectedException>(() => TakeAsync(hub.Topic("user/3", Text).SubscribeAsync(oldId3), 1));
        Assert.Contains("no longer kept", ex.Reason, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task QuietTopicWithALiveSubscriber_GetsItsFirstEvent_AfterOtherTopicsWereForgotten_WithNoReset()
    {
        var schema = PostgresFixture.NewSchema();
        var (hub, log) = await postgres.CreateHubAsync(schema, static o => o.ReplayAge = TimeSpan.FromMilliseconds(300));
        await using var _ = log;
        using var cts = new CancellationTokenSource(Timeout);

        // An inbox nobody has written to yet, watched by a live subscriber.
        await using var inbox = hub.Topic("inbox/ada", Text).SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = inbox.MoveNextAsync();
        await WaitForAsync(() => hub.GetSubscriberCount("inbox/ada") == 1);

        // Meanwhile other topics come and go: retention forgets them, and the forgotten mark moves past the inbox's head.
        for (var i = 0; i < 5; i++)
        {
            await hub.Topic("inbox/other-" + i, Text).PublishAsync("x", cts.Token);
        }

        await Task.Delay(1000, cts.Token);
        Assert.True(await log.ApplyRetentionAsync(cts.Token));

        await hub.Topic("inbox/ada", Text).PublishAsync("hello ada", cts.Token);
        Assert.Equal(["hello ada"], await TakeAsync(inbox, first, 1));
    }

    /// <summary>
    /// A server joining servers that are appending runs no DDL on a schema that is already current: its ALTER TABLE
    /// locks would queue behind their open appends (and deadlocked with them in the fault suite, failing the joining
    /// server's start with 40P01). Here an append's transaction stays open on the topics table while a server starts.
    /// </summary>
    [RequiresPostgresFact]
    public async Task ServerStartingWhileAnotherAppends_RunsNoDdl_AndStartsAtOnce()
    {
        var schema = PostgresFixture.NewSchema();
        var (_, first) = await postgres.CreateHubAsync(schema);
        await using var _ = first;
        await first.AppendAsync("busy", null, "x"u8.ToArray(), default);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var open = await connection.BeginTransactionAsync();
        await using (var holding = new NpgsqlCommand($"UPDATE {schema}.topics SET head = head WHERE topic = 'busy'", connection, open))
        {
            await holding.ExecuteNonQueryAsync();
        }

        var joining = postgres.CreateHubAsync(schema);
        var (_, second) = await joining.WaitAsync(TimeSpan.FromSeconds(10));
        await using var __ = second;
        await open.RollbackAsync();
        Assert.Equal((await first.GetHeadAsync("busy", default)).Epoch, (await second.GetHeadAsync("busy", default)).Epoch);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [RequiresPostgresFact]
    public async Task Outbox_RolledBack_IsNeverDelivered_Committed_IsDeliveredOnce()
    {
        var (hub, log) = await postgres.CreateHubAsync();
        await using var _ = log;
        using var cts = new CancellationTokenSource(Timeout);
        var topic = hub.Topic("orders", Text);
        await using var subscriber = topic.SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = subscriber.MoveNextAsync();
        await WaitForAsync(() => hub.GetSubscriberCount("orders") == 1);

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(cts.Token);
        await using (var rolledBack = await connection.BeginTransactionAsync(cts.Token))
        {
            await topic.PublishAsync("never", rolledBack, cts.Token);
            await rolledBack.RollbackAsync(cts.Token);
        }

        string committedId;
        await using (var committed = await connection.BeginTransactionAsync(cts.Token))
        {
            committedId = await topic.PublishAsync("order 1 placed", committed, cts.Token);

            // Not visible before the commit.
            await Task.Delay(500, cts.Token);
            Assert.False(first.IsCompleted);
            await committed.CommitAsync(cts.Token);
        }

        await topic.PublishAsync("after", cts.Token);
        Assert.Equal(["order 1 placed", "after"], await TakeAsync(subscriber, first, 2));
        Assert.StartsWith(log.Epoch + "-", committedId, StringComparison.Ordinal);

        var everything = await log.ReadAsync("orders", 0, 10, default);
        Assert.DoesNotContain("never", everything.Events.Select(static e => Encoding.UTF8.GetString(e.Data.Span)));
    }

    [Fact]
    public async Task HostWithThePostgreSqlLog_DisposedEitherWay_AndTwice_Throws_Nothing()
    {
        // No database at all: disposal must not need one, and the log registered twice is disposed twice.
        foreach (var asynchronously in new[] { false, true })
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            builder.Services.AddSsePostgreSql("Host=127.0.0.1;Port=1;Timeout=1");
            var host = builder.Build();
            var log = host.Services.GetRequiredService<ISseTopicLog>();
            Assert.Same(host.Services.GetRequiredService<PostgreSqlSseTopicLog>(), log);
            host.Services.GetRequiredService<SseHub>();
            if (asynchronously)
            {
                await ((IAsyncDisposable)host).DisposeAsync();
            }
            else
            {
                host.Dispose();
            }

            await ((PostgreSqlSseTopicLog)log).DisposeAsync();
            ((PostgreSqlSseTopicLog)log).Dispose();
        }
    }

    [RequiresPostgresFact]
    public async Task Outbox_WithoutThePostgreSqlLog_SaysWhatToRegister()
    {
        var hub = new SseHub(new InMemorySseTopicLog(Microsoft.Extensions.Options.Options.Create(new SseHubOptions())), Microsoft.Extensions.Options.Options.Create(new SseHubOptions()));
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Topic("x", Text).PublishAsync("y", transaction).AsTask());
        Assert.Contains("AddSsePostgreSql", ex.Message, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task DatabaseRestart_DeliveryPausesAndResumes_NothingIsLost()
    {
        var schema = PostgresFixture.NewSchema();
        var (subscriberHub, subscriberLog) = await postgres.CreateHubAsync(schema);
        var (publisherHub, publisherLog) = await postgres.CreateHubAsync(schema);
        await using var _ = subscriberLog;
        await using var __ = publisherLog;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var subscriber = subscriberHub.Topic("feed", Text).SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = subscriber.MoveNextAsync();
        await WaitForAsync(() => subscriberHub.GetSubscriberCount("feed") == 1);

        var published = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            published.Add($"before {i}");
            await publisherHub.Topic("feed", Text).PublishAsync(published[^1], cts.Token);
        }

        await postgres.Cluster.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => publisherHub.Topic("feed", Text).PublishAsync("while down", cts.Token).AsTask());
        await postgres.Cluster.StartAgainAsync();

        // The other server publishes after the restart; the subscriber's listener reconnects and catches up.
        for (var i = 0; i < 10; i++)
        {
            published.Add($"after {i}");
            await RetryAsync(() => publisherHub.Topic("feed", Text).PublishAsync(published[^1], cts.Token).AsTask(), cts.Token);
        }

        Assert.Equal(published, await TakeAsync(subscriber, first, 20));

        // The test's own pooled connections (not the logs') are dead too; later tests should not meet them.
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task RetryAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        // Pooled connections cut by the restart fail once each; a publish either happened or threw.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (NpgsqlException) when (attempt < 20)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static async Task<List<string>> TakeAsync(IAsyncEnumerable<SseItem<string>> items, int count)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var enumerator = items.GetAsyncEnumerator(cts.Token);
        return await TakeAsync(enumerator, enumerator.MoveNextAsync(), count);
    }

    private static async Task<List<string>> TakeAsync(IAsyncEnumerator<SseItem<string>> enumerator, ValueTask<bool> first, int count)
    {
        var items = new List<string>();
        var next = first;
        while (items.Count < count && await next.AsTask().WaitAsync(Timeout))
        {
            items.Add(enumerator.Current.Data);
            if (items.Count < count)
            {
                next = enumerator.MoveNextAsync();
            }
        }

        return items;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sse.PostgreSql.Node;
using Sse.Runtime;
using Sse.Tests;
using static Sse.Tests.NodeNotes;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Redis.Tests;

/// <summary>
/// The delivery promise on Redis under the faults an operator meets, with real server processes (the node app) on real
/// redis-servers: nodes killed and joining behind a balancer, Redis restarted with and without persistence, a node cut
/// off from Redis for ten seconds while another publishes, PUB/SUB connections killed. Every client's sequence is
/// exact, or ends with the reset signal where it cannot be.
/// </summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class RedisFaultTests(RedisFixture redis, ITestOutputHelper output)
{
    private const string Node = "tests/apps/Sse.PostgreSql.Node";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly SseClientOptions Quick = new() { InitialReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) };

    [RequiresRedisFact]
    public async Task HundredClients_ThreeNodes_ANodeKilledAndANewOneJoining_EveryClientGetsEveryEventOnceInOrder()
    {
        const int Events = 2_000;
        const int Clients = 100;
        var prefix = RedisFixture.NewPrefix();
        var a = await StartNodeAsync("a", redis.Server.Configuration, prefix);
        await using var b = await StartNodeAsync("b", redis.Server.Configuration, prefix);
        await using var balancer = new TcpBalancer([a.Address, b.Address]);
        using var viaBalancer = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients + 10 }) { BaseAddress = balancer.Address };
        var subscriptions = new List<SseSubscription<Note>>();
        for (var i = 0; i < Clients; i++)
        {
            subscriptions.Add(await new NodeFeedClient(viaBalancer, Quick).Topic("join").ConnectAsync());
        }

        // Node b publishes in seeded batches while a, which half the clients stream from, is killed and c joins.
        var random = new Random(20261202);
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpB);
        var publishing = Task.Run(async () =>
        {
            for (var seq = 0; seq < Events;)
            {
                var size = Math.Min(random.Next(1, 60), Events - seq);
                await publisher.Publish("join", Notes(seq, size));
                seq += size;
                await Task.Delay(random.Next(0, 5));
            }
        });
        var readers = subscriptions.Select(s => Task.Run(async () =>
        {
            await using var stream = s.GetAsyncEnumerator();
            return await TakeAsync(stream, Events);
        })).ToList();

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await a.KillAsync();
        await using var c = await StartNodeAsync("c", redis.Server.Configuration, prefix);
        balancer.AddBackend(c.Address);
        output.WriteLine("Killed node a; node c joined.");

        await publishing;
        foreach (var reader in readers)
        {
            Assert.Equal(Seqs(0, Events), await reader.WaitAsync(Timeout));
        }

        Assert.True(balancer.ConnectionsPerBackend[0] > 0 && balancer.ConnectionsPerBackend[1] > 0, "The balancer spread the clients over a and b.");
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        await a.DisposeAsync();
    }

    [RequiresRedisFact]
    public async Task RedisRestartedWithAppendOnlyFile_MidStream_ClientsContinueWithNoGap()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        var prefix = RedisFixture.NewPrefix();
        await using var a = await StartNodeAsync("a", server.Configuration, prefix);
        await using var b = await StartNodeAsync("b", server.Configuration, prefix);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        var resets = 0;
        await using var subscription = await new NodeFeedClient(httpB, Quick).Topic("aof").ConnectAsync();
        await using var stream = subscription.GetAsyncEnumerator();
        await publisher.Publish("aof", Notes(0, 50));
        var received = await TakeAsync(stream, 50);

        await server.StopAsync();
        await server.StartAgainAsync();
        output.WriteLine("Redis restarted (AOF).");
        await PublishRetryingAsync(publisher, "aof", Notes(50, 50));
        try
        {
            received.AddRange(await TakeAsync(stream, 50));
        }
        catch (SseResumeRejectedException)
        {
            resets++;
        }

        Assert.Equal(0, resets);
        Assert.Equal(Seqs(0, 100), received);
    }

    [RequiresRedisFact]
    public async Task RedisRestartedWithoutPersistence_EveryClientGetsTheResetSignal_NeverASilentGap()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: false);
        var prefix = RedisFixture.NewPrefix();
        await using var a = await StartNodeAsync("a", server.Configuration, prefix);
        await using var b = await StartNodeAsync("b", server.Configuration, prefix);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        var streams = new List<(IAsyncEnumerator<Note> Stream, List<long> Received)>();
        foreach (var http in new[] { httpA, httpB })
        {
            var subscription = await new NodeFeedClient(http, Quick).Topic("volatile").ConnectAsync();
            streams.Add((subscription.GetAsyncEnumerator(), []));
        }

        await publisher.Publish("volatile", Notes(0, 10));
        foreach (var (stream, received) in streams)
        {
            received.AddRange(await TakeAsync(stream, 10));
        }

        // Everything Redis had is gone; what is published next starts a new history.
        await server.StopAsync();
        await server.StartAgainAsync();
        output.WriteLine("Redis restarted (no persistence).");
        await PublishRetryingAsync(publisher, "volatile", Notes(10, 5));

        foreach (var (stream, received) in streams)
        {
            var reset = await Assert.ThrowsAsync<SseResumeRejectedException>(async () =>
            {
                while (await stream.MoveNextAsync().AsTask().WaitAsync(Timeout))
                {
                    received.Add(stream.Current.Seq);
                }
            });
            output.WriteLine($"Reset: {reset.Reason}");

            // The exact prefix before the loss, then the signal: nothing of the new history passed as a continuation.
            Assert.Equal(Seqs(0, 10), received);
            await stream.DisposeAsync();
        }

        // A client that re-synchronises (subscribes afresh) gets the new history's events.
        await using var fresh = await new NodeFeedClient(httpB).Topic("volatile").ConnectAsync();
        await using var freshStream = fresh.GetAsyncEnumerator();
        await publisher.Publish("volatile", Notes(15, 1));
        Assert.Equal([15L], await TakeAsync(freshStream, 1));
    }

    [RequiresRedisFact]
    public async Task NodeCutOffFromRedisForTenSeconds_WhileAnotherPublishes_ItsClientsStayConnectedAndGetEverything()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var proxy = new TcpBalancer(redis.Server.Port);
        await using var a = await StartNodeAsync("a", redis.Server.Configuration, prefix);
        await using var b = await StartNodeAsync("b", RedisServer.ConfigurationFor(proxy.Port), prefix);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        var connects = 0;
        await using var subscription = await new NodeFeedClient(httpB, new SseClientOptions { OnConnected = _ => Interlocked.Increment(ref connects) }).Topic("cut").ConnectAsync();
        await using var stream = subscription.GetAsyncEnumerator();
        await publisher.Publish("cut", Notes(0, 10));
        var received = await TakeAsync(stream, 10);

        proxy.Cut();
        for (var seq = 10; seq < 310; seq += 30)
        {
            await publisher.Publish("cut", Notes(seq, 30));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        // Meanwhile b answers what needs Redis with 503 and Retry-After.
        using (var publish = await httpB.PostAsync(new Uri("/node/topics/another", UriKind.Relative), new StringContent("[{\"Seq\":1,\"From\":\"b\"}]", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, publish.StatusCode);
            Assert.NotNull(publish.Headers.RetryAfter);
        }

        proxy.Restore();
        received.AddRange(await TakeAsync(stream, 300));
        Assert.Equal(Seqs(0, 310), received);
        Assert.Equal(1, connects);
        Assert.DoesNotContain("Unhandled exception", b.Output, StringComparison.OrdinalIgnoreCase);
    }

    [RequiresRedisFact]
    public async Task PubSubConnectionsKilled_WhilePublishing_DeliveryGoesOn_NothingLostNothingTwice()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var a = await StartNodeAsync("a", redis.Server.Configuration, prefix);
        await using var b = await StartNodeAsync("b", redis.Server.Configuration, prefix);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        await using var subscription = await new NodeFeedClient(httpB, Quick).Topic("killed").ConnectAsync();
        await using var stream = subscription.GetAsyncEnumerator();
        var reading = Task.Run(async () => await TakeAsync(stream, 500));
        for (var seq = 0; seq < 500; seq += 25)
        {
            await publisher.Publish("killed", Notes(seq, 25));
            if (seq % 100 == 50)
            {
                output.WriteLine("CLIENT KILL TYPE pubsub: " + (await redis.Server.CommandAsync("CLIENT", "KILL", "TYPE", "pubsub")).Trim());
            }
        }

        Assert.Equal(Seqs(0, 500), await reading.WaitAsync(Timeout));
    }

    private static async Task PublishRetryingAsync(NodeFeedClient publisher, string topic, Note[] notes)
    {
        // The node answers 503 until its connection to Redis is back.
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            try
            {
                await publisher.Publish(topic, notes, deadline.Token);
                return;
            }
            catch (SseHttpException ex) when (ex.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                await Task.Delay(200, deadline.Token);
            }
        }
    }

    private async Task<AppProcess> StartNodeAsync(string name, string configuration, string prefix)
    {
        var node = await AppProcess.StartBuiltServerAsync(Node, "--Node", name, "--Log", "redis", "--Redis", configuration, "--KeyPrefix", prefix, "--PollMs", "300");
        output.WriteLine($"Node {name} (pid {node.Pid}) on {node.Address}");
        return node;
    }
}

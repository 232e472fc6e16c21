using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using Sse.PostgreSql.Node;
using Sse.Runtime;
using Sse.Tests;
using static Sse.Tests.NodeNotes;
using Xunit;
using Xunit.Abstractions;

namespace Sse.PostgreSql.Tests;

/// <summary>
/// The delivery promise under the faults an operator meets, with real server processes (the node app, run from its
/// build output so the test signals the app itself) on a throwaway PostgreSQL cluster: a node paused with SIGSTOP while
/// another publishes past retention, a node cut off from its database while its clients stay connected, a node killed
/// and a fresh one joining, publishers racing subscribers, a graceful stop. Every subscriber's sequence is checked
/// against the log itself (<c>{schema}.events</c>, and the ids the publishes returned): exact, or the signal where it
/// stops being exact.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "PostgreSql")]
public sealed class FaultSuiteTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Node = "tests/apps/Sse.PostgreSql.Node";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [RequiresPostgresTheory]
    [InlineData("memory")]
    [InlineData("postgres")]
    public async Task GracefulStop_WithEachLog_ExitsWithZero_AndStreamsEndAsLostConnections(string log)
    {
        var schema = PostgresFixture.NewSchema();
        var node = await StartNodeAsync("a", schema, extra: log == "memory" ? ["--Log", "memory"] : []);
        using var http = new HttpClient { BaseAddress = node.Address };
        var client = new NodeFeedClient(http, new SseClientOptions { Reconnect = false });
        await using var subscription = await client.Topic("stop").ConnectAsync();
        await client.Publish("stop", [new Note(0, "a")]);
        await using var enumerator = subscription.GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout));

        var exitCode = await node.TerminateAsync(Timeout);
        output.WriteLine(node.Output);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ObjectDisposedException", node.Output, StringComparison.Ordinal);

        // Shutdown is not the end of the stream: the client is told its connection was lost, so it would resume elsewhere.
        await Assert.ThrowsAsync<SseConnectionLostException>(async () => await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout));
        await node.DisposeAsync();
    }

    [RequiresPostgresFact]
    public async Task PausedNode_WhileAnotherPublishesPastRetention_ItsClientGetsTheExactPrefix_ThenReset()
    {
        var schema = PostgresFixture.NewSchema();
        await using var a = await StartNodeAsync("a", schema, retention: true);
        await using var b = await StartNodeAsync("b", schema, retention: true);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        var ids = new List<string>();
        await using var subscription = await new NodeFeedClient(httpB).Topic("stall").ConnectAsync();
        await using var stream = subscription.GetAsyncEnumerator();
        ids.AddRange(await publisher.Publish("stall", Notes(0, 10)));
        var received = await TakeAsync(stream, 10);

        // Node b stops running (its sockets stay open, so its client does not notice) while a publishes 1,490 more and
        // retention (ReplayCount 1,000) removes the oldest 500.
        var paused = Stopwatch.StartNew();
        b.Pause();
        for (var seq = 10; seq < 1_500; seq += 100)
        {
            ids.AddRange(await publisher.Publish("stall", Notes(seq, Math.Min(100, 1_500 - seq))));
        }

        await WaitUntilAsync(async () => (await KeptAsync(schema, "stall")).Count == 1_000);
        await Task.Delay(TimeSpan.FromSeconds(6) - paused.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero);
        b.Continue();
        output.WriteLine($"Node b paused for {paused.ElapsedMilliseconds} ms.");

        var ended = await Assert.ThrowsAsync<SseResumeRejectedException>(async () =>
        {
            while (await stream.MoveNextAsync().AsTask().WaitAsync(Timeout))
            {
                received.Add(stream.Current.Seq);
            }
        });

        // Exactly what it had before the loss, then the signal; the log kept only the newest 1,000.
        Assert.Equal(Seqs(0, 10), received);
        Assert.Equal(Seqs(500, 1_000), (await KeptAsync(schema, "stall")).Select(static e => e.Seq));
        Assert.Equal(ids.Skip(500).Select(PositionOf), (await KeptAsync(schema, "stall")).Select(static e => e.Position));
        output.WriteLine($"The client got 0-9, then sse-reset: {ended.Reason}");

        // It re-synchronises by subscribing afresh, and node b delivers again.
        await using var fresh = await new NodeFeedClient(httpB).Topic("stall").ConnectAsync();
        await using var freshStream = fresh.GetAsyncEnumerator();
        await publisher.Publish("stall", Notes(1_500, 1));
        Assert.Equal([1_500L], await TakeAsync(freshStream, 1));
    }

    [RequiresPostgresFact]
    public async Task PausedNode_WithinRetention_ItsClientGetsEveryEvent_Once()
    {
        var schema = PostgresFixture.NewSchema();
        await using var a = await StartNodeAsync("a", schema, retention: true);
        await using var b = await StartNodeAsync("b", schema, retention: true);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        await using var subscription = await new NodeFeedClient(httpB).Topic("pause").ConnectAsync();
        await using var stream = subscription.GetAsyncEnumerator();
        await publisher.Publish("pause", Notes(0, 10));
        var received = await TakeAsync(stream, 10);

        b.Pause();
        for (var seq = 10; seq < 510; seq += 100)
        {
            await publisher.Publish("pause", Notes(seq, 100));
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        b.Continue();

        received.AddRange(await TakeAsync(stream, 500));
        Assert.Equal(Seqs(0, 510), received);
        Assert.Equal(received, (await KeptAsync(schema, "pause")).Select(static e => e.Seq));
    }

    [RequiresPostgresFact]
    public async Task NodeCutOffFromItsDatabase_ItsClientsStayConnected_AndGetEverything_OrTheResetPastRetention()
    {
        var schema = PostgresFixture.NewSchema();
        await using var proxy = new TcpBalancer(postgres.Cluster.Port);
        await using var a = await StartNodeAsync("a", schema, retention: true);
        await using var b = await StartNodeAsync("b", schema, retention: true, connectionString: PostgresCluster.ConnectionStringFor(proxy.Port));
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(httpA);
        var connects = 0;
        await using var subscription = await new NodeFeedClient(httpB, new SseClientOptions { OnConnected = _ => Interlocked.Increment(ref connects) }).Topic("cut").ConnectAsync();
        await using var stream = subscription.GetAsyncEnumerator();
        await publisher.Publish("cut", Notes(0, 10));
        var received = await TakeAsync(stream, 10);

        // Cut for 3 s while 300 are published (within retention): once b is back, its client gets all of them.
        proxy.Cut();
        for (var seq = 10; seq < 310; seq += 50)
        {
            await publisher.Publish("cut", Notes(seq, 50));
        }

        // Meanwhile b answers what needs its database with 503 and Retry-After, not a bare 500.
        using (var subscribe = await httpB.GetAsync(new Uri("/node/topics/another", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        using (var publish = await httpB.PostAsync(new Uri("/node/topics/another", UriKind.Relative), new StringContent("[{\"Seq\":1,\"From\":\"b\"}]", System.Text.Encoding.UTF8, "application/json")))
        {
            foreach (var response in new[] { subscribe, publish })
            {
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        proxy.Restore();
        received.AddRange(await TakeAsync(stream, 300));
        Assert.Equal(Seqs(0, 310), received);
        Assert.Equal(1, connects);

        // Cut again while 2,000 are published and retention removes 1,000 of them: the client gets the signal.
        proxy.Cut();
        for (var seq = 310; seq < 2_310; seq += 200)
        {
            await publisher.Publish("cut", Notes(seq, 200));
        }

        await WaitUntilAsync(async () => (await KeptAsync(schema, "cut")).Count == 1_000);
        proxy.Restore();
        await Assert.ThrowsAsync<SseResumeRejectedException>(async () =>
        {
            while (await stream.MoveNextAsync().AsTask().WaitAsync(Timeout))
            {
                received.Add(stream.Current.Seq);
            }
        });

        Assert.Equal(Seqs(0, 310), received);
        Assert.Equal(1, connects);
        Assert.DoesNotContain("Unhandled exception", b.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("fail: ", b.Output, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task NodeKilled_AndAFreshOneJoining_EveryClientGetsEveryEventOnceInOrder()
    {
        const int Events = 3_000;
        const int Clients = 10;
        var schema = PostgresFixture.NewSchema();
        var a = await StartNodeAsync("a", schema);
        await using var b = await StartNodeAsync("b", schema);
        await using var balancer = new TcpBalancer([a.Address]);
        using var viaBalancer = new HttpClient { BaseAddress = balancer.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var options = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) };
        var subscriptions = new List<SseSubscription<Note>>();
        for (var i = 0; i < Clients; i++)
        {
            subscriptions.Add(await new NodeFeedClient(viaBalancer, options).Topic("join").ConnectAsync());
        }

        // Node b publishes in seeded batches while a, which every client streams from, is killed and c takes its place.
        var random = new Random(20261201);
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
        await using var c = await StartNodeAsync("c", schema);
        balancer.AddBackend(c.Address);
        output.WriteLine("Killed node a; node c joined.");

        await publishing;
        foreach (var reader in readers)
        {
            Assert.Equal(Seqs(0, Events), await reader.WaitAsync(Timeout));
        }

        Assert.Equal(Seqs(0, Events), (await KeptAsync(schema, "join")).Select(static e => e.Seq));
        Assert.True(balancer.ConnectionsPerBackend[1] >= Clients, $"Only {balancer.ConnectionsPerBackend[1]} reconnections reached node c.");
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        await a.DisposeAsync();
    }

    /// <summary>
    /// Seeded schedules over two nodes: publishes on either node (concurrently), subscribers joining either node live
    /// or resuming from an id already published; each one's sequence must be exactly the log's from its id on.
    /// </summary>
    [RequiresPostgresFact]
    public async Task PublishersRacingSubscribers_OnTwoNodes_EverySubscriberGetsTheLogsOrderFromItsId()
    {
        var schema = PostgresFixture.NewSchema();
        await using var a = await StartNodeAsync("a", schema);
        await using var b = await StartNodeAsync("b", schema);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        NodeFeedClient[] publishers = [new(httpA), new(httpB)];
        HttpClient[] nodes = [httpA, httpB];

        for (var seed = 0; seed < 3; seed++)
        {
            var topic = "race-" + seed;
            var random = new Random(seed);
            var ids = new List<string>();
            var seq = 0L;
            var inFlight = new List<Task>();
            var readers = new List<(long After, Task Subscribed, Task<List<(long Position, long Seq)>> Reading)>();
            using var done = new CancellationTokenSource(Timeout);
            for (var step = 0; step < 30; step++)
            {
                if (random.Next(3) > 0)
                {
                    var size = random.Next(1, 30);
                    var notes = Notes(seq, size);
                    seq += size;
                    var node = random.Next(2);
                    inFlight.Add(Task.Run(async () =>
                    {
                        var published = await publishers[node].Publish(topic, notes, done.Token);
                        lock (ids)
                        {
                            ids.AddRange(published);
                        }
                    }));
                }
                else
                {
                    string? after;
                    lock (ids)
                    {
                        after = ids.Count == 0 || random.Next(3) == 0 ? null : ids[random.Next(ids.Count)];
                    }

                    var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    readers.Add((after is null ? -1 : PositionOf(after), subscribed.Task, ReadRawAsync(nodes[random.Next(2)], topic, after, subscribed, done.Token)));
                }

                await Task.Delay(random.Next(0, 20));
            }

            // Once every publish returned and every reader is subscribed, an end note that all of them are owed.
            await Task.WhenAll(inFlight);
            await Task.WhenAll(readers.Select(static r => r.Subscribed)).WaitAsync(Timeout);
            await publishers[0].Publish(topic, [new Note(-1, "end")], done.Token);

            var log = await KeptAsync(schema, "t/" + topic, prefixed: true);
            foreach (var (after, _, reading) in readers)
            {
                var received = await reading.WaitAsync(Timeout);

                // From its id on; live, from whatever it got first (an empty run: it came after the last event).
                var expected = after >= 0 ? log.Where(e => e.Position > after).ToList()
                    : received.Count == 0 ? [] : log.Where(e => e.Position >= received[0].Position).ToList();
                Assert.True(expected.SequenceEqual(received), $"Seed {seed}: a subscriber {(after < 0 ? "live" : "after " + after)} got {received.Count} events that are not the log's run ({expected.Count} expected).");
            }

            output.WriteLine($"Seed {seed}: {readers.Count} subscribers, {seq} events, each got the log's run from its id.");
        }
    }

    private static long PositionOf(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    private async Task<AppProcess> StartNodeAsync(string name, string schema, bool retention = false, string? connectionString = null, string[]? extra = null)
    {
        string[] arguments =
        [
            "--Node", name, "--ConnectionStrings:Sse", connectionString ?? postgres.ConnectionString, "--Schema", schema,
            .. retention ? (string[])["--ReplayCount", "1000", "--RetentionMs", "300"] : [],
            .. extra ?? [],
        ];
        var node = await AppProcess.StartBuiltServerAsync(Node, arguments);
        output.WriteLine($"Node {name} (pid {node.Pid}) on {node.Address}");
        return node;
    }

    /// <summary>The topic's events as the log keeps them, in position order: the ground truth.</summary>
    private async Task<List<(long Position, long Seq)>> KeptAsync(string schema, string topic, bool prefixed = false)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT position, data FROM {schema}.events WHERE topic = $1 ORDER BY position", connection)
        {
            Parameters = { new() { Value = prefixed ? topic : "t/" + topic } },
        };
        var events = new List<(long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var note = JsonDocument.Parse(reader.GetFieldValue<byte[]>(1));
            var noteSeq = note.RootElement.GetProperty("Seq").GetInt64();
            if (noteSeq >= 0)
            {
                events.Add((reader.GetInt64(0), noteSeq));
            }
        }

        return events;
    }

    /// <summary>Reads a topic as a raw event stream (with a Last-Event-ID when given) until the end note, with each event's position.</summary>
    private static async Task<List<(long Position, long Seq)>> ReadRawAsync(HttpClient http, string topic, string? lastEventId, TaskCompletionSource subscribed, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/node/topics/{topic}");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        subscribed.TrySetResult();
        var received = new List<(long, long)>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
        {
            if (item.EventType != "message")
            {
                throw new InvalidOperationException($"A subscriber got '{item.EventType}': {item.Data}");
            }

            using var note = JsonDocument.Parse(item.Data);
            var seq = note.RootElement.GetProperty("Seq").GetInt64();
            if (seq < 0)
            {
                return received;
            }

            received.Add((PositionOf(item.EventId!), seq));
        }

        throw new InvalidOperationException("The stream ended before the end note.");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < Timeout, "The condition was never met.");
            await Task.Delay(100);
        }
    }
}

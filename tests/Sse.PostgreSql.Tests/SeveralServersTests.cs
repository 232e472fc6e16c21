using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sse.PostgreSql.Node;
using Sse.Runtime;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.PostgreSql.Tests;

/// <summary>Separate server processes (tests/apps/Sse.PostgreSql.Node, from its build output) sharing one PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "PostgreSql")]
public sealed class SeveralServersTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Node = "tests/apps/Sse.PostgreSql.Node";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RequiresPostgresFact]
    public async Task PublishOnEitherServer_ReachesTheSubscribersOfBoth_InTheSameOrder()
    {
        var schema = PostgresFixture.NewSchema();
        await using var a = await StartNodeAsync("a", schema);
        await using var b = await StartNodeAsync("b", schema);
        using var timeout = new CancellationTokenSource(Timeout);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var clientA = new NodeFeedClient(httpA);
        var clientB = new NodeFeedClient(httpB);
        Assert.Equal("a", await clientA.Name(timeout.Token));
        Assert.Equal("b", await clientB.Name(timeout.Token));

        await using var onA1 = await clientA.Topic("shared", timeout.Token).ConnectAsync(timeout.Token);
        await using var onA2 = await clientA.Topic("shared", timeout.Token).ConnectAsync(timeout.Token);
        await using var onB = await clientB.Topic("shared", timeout.Token).ConnectAsync(timeout.Token);

        // Both servers publish, interleaved and concurrently: every subscriber sees one and the same order.
        var publishing = Enumerable.Range(0, 10).Select(batch => (batch % 2 == 0 ? clientA : clientB)
            .Publish("shared", [.. Enumerable.Range(0, 20).Select(i => new Note((batch * 20) + i, batch % 2 == 0 ? "a" : "b"))], timeout.Token)).ToList();
        await Task.WhenAll(publishing);

        var seenA1 = await TakeAsync(onA1, 200, timeout.Token);
        var seenA2 = await TakeAsync(onA2, 200, timeout.Token);
        var seenB = await TakeAsync(onB, 200, timeout.Token);
        Assert.Equal(Enumerable.Range(0, 200).Select(static i => (long)i), seenB.Select(static n => n.Seq).Order());
        Assert.Equal(seenB, seenA1);
        Assert.Equal(seenB, seenA2);

        // Each batch (one request, published in order) stays in its order; concurrent batches interleave.
        foreach (var batch in seenB.GroupBy(static n => n.Seq / 20))
        {
            var seqs = batch.Select(static n => n.Seq).ToList();
            Assert.Equal(seqs.Order(), seqs);
        }
    }

    [RequiresPostgresFact]
    public async Task ServerKilledMidStream_ClientResumesOnTheOther_NoGapNoDuplicate()
    {
        const int Events = 3000;
        var schema = PostgresFixture.NewSchema();
        var a = await StartNodeAsync("a", schema);
        await using var b = await StartNodeAsync("b", schema);
        await using var balancer = new TcpBalancer([a.Address, b.Address]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var viaBalancer = new HttpClient { BaseAddress = balancer.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var client = new NodeFeedClient(viaBalancer, new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) });
        var publisher = new NodeFeedClient(httpB);

        await using var stream = await client.Topic("failover", timeout.Token).ConnectAsync(timeout.Token);
        Assert.Equal(1, balancer.ConnectionsPerBackend[0]);

        // Node b publishes in batches (seed-fixed sizes) while node a, which the client streams from, is killed.
        var random = new Random(20261126);
        var publishing = Task.Run(async () =>
        {
            var seq = 0;
            while (seq < Events)
            {
                var size = Math.Min(random.Next(1, 60), Events - seq);
                await publisher.Publish("failover", [.. Enumerable.Range(seq, size).Select(static i => new Note(i, "b"))], timeout.Token);
                seq += size;
                await Task.Delay(random.Next(0, 5), timeout.Token);
            }
        });

        var received = new List<long>();
        await foreach (var note in stream.WithCancellation(timeout.Token))
        {
            received.Add(note.Seq);
            if (received.Count == Events / 3)
            {
                await a.KillAsync();
                output.WriteLine($"Killed node a after {received.Count} events.");
            }

            if (received.Count == Events)
            {
                break;
            }
        }

        await publishing;
        await a.DisposeAsync();
        Assert.Equal(Enumerable.Range(0, Events).Select(static i => (long)i), received);
        Assert.True(balancer.ConnectionsPerBackend[1] >= 1, "The client never reached node b.");
    }

    [RequiresPostgresFact]
    public async Task DatabaseRestart_WhileServersStream_DeliveryPausesAndResumes_NothingLost()
    {
        var schema = PostgresFixture.NewSchema();
        await using var a = await StartNodeAsync("a", schema);
        await using var b = await StartNodeAsync("b", schema);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var subscriber = new NodeFeedClient(httpA);
        var publisher = new NodeFeedClient(httpB);
        await using var stream = await subscriber.Topic("restart", timeout.Token).ConnectAsync(timeout.Token);

        await publisher.Publish("restart", [.. Enumerable.Range(0, 50).Select(static i => new Note(i, "b"))], timeout.Token);
        await postgres.Cluster.StopAsync();
        await postgres.Cluster.StartAgainAsync();

        // A publish right after the restart may meet a dead pooled connection and fail: then it did not happen.
        var next = 50;
        while (next < 100)
        {
            try
            {
                await publisher.Publish("restart", [new Note(next, "b")], timeout.Token);
                next++;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(static i => (long)i), (await TakeAsync(stream, 100, timeout.Token)).Select(static n => n.Seq));
    }

    private async Task<AppProcess> StartNodeAsync(string name, string schema)
    {
        var node = await AppProcess.StartBuiltServerAsync(Node, "--Node", name, "--ConnectionStrings:Sse", postgres.ConnectionString, "--Schema", schema);
        output.WriteLine($"Node {name} on {node.Address}");
        return node;
    }

    private static async Task<List<Note>> TakeAsync(SseSubscription<Note> stream, int count, CancellationToken cancellationToken)
    {
        var notes = new List<Note>();
        await using var enumerator = stream.GetAsyncEnumerator(cancellationToken);
        while (notes.Count < count && await enumerator.MoveNextAsync())
        {
            notes.Add(enumerator.Current);
        }

        return notes;
    }
}

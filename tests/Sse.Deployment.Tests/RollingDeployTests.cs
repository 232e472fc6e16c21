using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Sse.PostgreSql.Node;
using Sse.Runtime;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Deployment.Tests;

/// <summary>
/// A rolling deploy: two node processes on one Redis behind nginx; one gets SIGTERM while events flow. Its clients
/// resume on the other through nginx with nothing lost or repeated, no end event reaches them, and their reconnects are
/// spread over <c>SseServerOptions.ShutdownReconnectSpread</c> instead of arriving at one instant.
/// </summary>
[Trait("Category", "Deployment")]
public sealed class RollingDeployTests(ITestOutputHelper output)
{
    private const string Node = "tests/apps/Sse.PostgreSql.Node";

    [RequiresNginxFact]
    public async Task NodeGetsSigterm_ItsClientsResumeOnTheOther_NoGap_TheirReconnectsSpread()
    {
        const int Clients = 60;
        const int Events = 1_500;
        const int SpreadMs = 2_000;
        await using var redis = await RedisServer.StartAsync(appendOnly: false);
        var prefix = "deploy" + Guid.NewGuid().ToString("N")[..8] + ":";
        var a = await StartNodeAsync("a", redis.Configuration, prefix, SpreadMs);
        await using var b = await StartNodeAsync("b", redis.Configuration, prefix, SpreadMs);
        await using var nginx = await NginxServer.StartAsync([a.Address, b.Address]);
        using var viaNginx = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients + 10 }) { BaseAddress = nginx.Address };

        var clock = Stopwatch.StartNew();
        var resumedAt = new ConcurrentBag<double>();
        var recorders = new List<SseStreamRecorder<Note>>();
        var reading = new List<Task>();
        for (var i = 0; i < Clients; i++)
        {
            var options = new SseClientOptions
            {
                InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
                MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
                OnConnected = c =>
                {
                    if (c.LastEventId is not null)
                    {
                        resumedAt.Add(clock.Elapsed.TotalMilliseconds);
                    }
                },
            };
            var recorder = new SseStreamRecorder<Note>(options, () => nginx.Version);
            recorders.Add(recorder);
            var stream = await new NodeFeedClient(viaNginx, recorder.Options).Topic("deploy").ConnectAsync();
            reading.Add(Task.Run(async () =>
            {
                await using (stream)
                {
                    await recorder.RecordAsync(stream, count: Events, timeout: TimeSpan.FromSeconds(90));
                }
            }));
        }

        // b publishes throughout; a gets SIGTERM a second in.
        using var toB = new HttpClient { BaseAddress = b.Address };
        var publisher = new NodeFeedClient(toB);
        var publishing = Task.Run(async () =>
        {
            for (var seq = 0; seq < Events; seq += 10)
            {
                await publisher.Publish("deploy", NodeNotes.Notes(seq, 10));
                await Task.Delay(25);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        var terminated = clock.Elapsed.TotalMilliseconds;
        var exit = await a.TerminateAsync(TimeSpan.FromSeconds(30));
        var stopped = clock.Elapsed.TotalMilliseconds - terminated;
        await a.DisposeAsync();
        await publishing;
        await Task.WhenAll(reading);

        foreach (var recorder in recorders)
        {
            SseAssert.NoGapNoDuplicate(recorder, static n => n.Seq, first: 0, count: Events);
            SseAssert.EveryReconnectResumed(recorder);
        }

        var resumes = resumedAt.Where(t => t >= terminated).Order().ToList();
        var window = resumes.Count > 0 ? resumes[^1] - resumes[0] : 0;
        var busiest = resumes.Count == 0 ? 0 : resumes.Max(t => resumes.Count(u => u >= t && u < t + 100));
        output.WriteLine($"node a: exit {exit} {stopped:0} ms after SIGTERM; {resumes.Count} of {Clients} clients resumed on b over {window:0} ms, at most {busiest} in any 100 ms.");
        Assert.Equal(0, exit);
        Assert.InRange(resumes.Count, Clients / 4, Clients);          // a had about half of them (nginx's round robin)
        Assert.True(window >= SpreadMs / 2, $"The reconnects came within {window:0} ms: a storm, not spread over {SpreadMs} ms.");
        Assert.True(stopped < SpreadMs + 10_000, $"Node a took {stopped:0} ms to stop.");
    }

    private async Task<AppProcess> StartNodeAsync(string name, string configuration, string prefix, int spreadMs)
    {
        var node = await AppProcess.StartBuiltServerAsync(Node, "--Node", name, "--Log", "redis", "--Redis", configuration, "--KeyPrefix", prefix, "--PollMs", "300", "--ShutdownSpreadMs", spreadMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"Node {name} (pid {node.Pid}) on {node.Address}");
        return node;
    }
}

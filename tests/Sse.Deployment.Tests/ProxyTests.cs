using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Deployment.Tests;

/// <summary>
/// Streams behind a real reverse proxy (Debian's nginx, started by the test; YARP in process), each with the settings the
/// Deploying guide gives: events pass as they are written, a cut between the proxy and the server resumes through the
/// proxy, a quiet stream outlives the proxy's idle timeout because of the heartbeats (and does not without them), and a
/// proxy restart costs nothing but a reconnect.
/// </summary>
[Trait("Category", "Deployment")]
public sealed class ProxyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    internal static Task<SseTestHost> StartServerAsync(SseTestHostOptions? options = null, TimeSpan? heartbeat = null) => SseTestHost.StartAsync(
        builder => builder.Services
            .AddDeployFeed()
            .Configure<SseServerOptions>(o => o.HeartbeatInterval = heartbeat ?? SseServerOptions.DefaultHeartbeatInterval),
        static app => app.MapDeployFeed(),
        options);

    [RequiresNginxTheory]
    [MemberData(nameof(ReverseProxies.Names), MemberType = typeof(ReverseProxies))]
    public async Task EventsPassAsTheyAreWritten_TheFirstArrivesBeforeTheSecondIsProduced(string proxyName)
    {
        await using var server = await StartServerAsync();
        await using var proxy = await ReverseProxies.StartAsync(proxyName, [server.ServerAddress]);
        using var http = new HttpClient { BaseAddress = proxy.Address };
        var gate = Guid.NewGuid().ToString("N");

        await using var ticks = new DeployFeedClient(http).Gated(gate).GetAsyncEnumerator();
        // The server writes tick 0, then waits for the gate: a proxy that buffers the response holds tick 0 back.
        Assert.True(await ticks.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)), $"{proxy.Description}: no first event");
        Assert.Equal(0, ticks.Current.Seq);
        server.Services.GetRequiredService<Gates>().Open(gate);
        Assert.True(await ticks.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, ticks.Current.Seq);
        output.WriteLine($"{proxy.Description}: the first event arrived while the server waited to write the second.");
    }

    [RequiresNginxFact]
    public async Task GzipAtNginx_StillPassesEachEvent_BecauseTheStreamTurnsBufferingOff()
    {
        // nginx compresses text/event-stream when told to; with the X-Accel-Buffering: no every stream sends, it flushes
        // its compressor at each chunk from the server, so the first event is decodable before the second is written.
        await using var server = await StartServerAsync();
        await using var nginx = await NginxServer.StartAsync([server.ServerAddress], extra: "gzip on; gzip_types text/event-stream; gzip_min_length 0;");
        var gate = Guid.NewGuid().ToString("N");

        await using var events = await CompressedEvents.OpenAsync(new Uri(nginx.Address, "/deploy/gated/" + gate), "gzip");
        Assert.Equal("gzip", events.ContentEncoding);
        Assert.Contains("\"Seq\":0", await events.ReadEventAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        server.Services.GetRequiredService<Gates>().Open(gate);
        Assert.Contains("\"Seq\":1", await events.ReadEventAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        output.WriteLine($"{nginx.Version}: {events.CompressedBytes} compressed bytes for {events.DecodedBytes} decoded.");
    }

    [RequiresNginxTheory]
    [MemberData(nameof(ReverseProxies.Names), MemberType = typeof(ReverseProxies))]
    public async Task CutsBetweenTheProxyAndTheServer_TheClientResumesThroughTheProxy_NoGapNoDuplicate(string proxyName)
    {
        // client → proxy → the kit's fault proxy → Kestrel: the proxy's upstream connection is cut mid-frame three times.
        await using var server = await StartServerAsync(new()
        {
            Marker = "/deploy/ticks",
            Faults = static r => r.Index < 3 ? SseFault.CutAtRandom(r.Random, 300, 3_000, SseCutPoint.MidFrame) : null,
        });
        await using var proxy = await ReverseProxies.StartAsync(proxyName, [server.Address]);
        var recorder = new SseStreamRecorder<Tick>(context: () => proxy.Description + "; " + server.Proxy);
        using var http = new HttpClient { BaseAddress = proxy.Address };
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 300, timeout: Timeout);
        await PublishAsync(server, 0, 300);
        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 300);
        SseAssert.EveryReconnectResumed(recorder);
        // Each cut reached the client as a lost connection; how depends on the proxy and the moment (a dropped
        // response; YARP answers a reconnect whose upstream fails before its headers with an error of its own).
        Assert.Equal(3, server.Proxy.Cuts);
        Assert.True(recorder.Disconnections.Count >= 3, recorder.Describe());
    }

    [RequiresNginxTheory]
    [MemberData(nameof(ReverseProxies.Names), MemberType = typeof(ReverseProxies))]
    public async Task QuietStream_OutlivesTheProxysIdleTimeout_OnHeartbeats(string proxyName)
    {
        // The proxy closes a response that sends nothing for 2 s; the server's heartbeat every 500 ms keeps it open.
        await using var server = await StartServerAsync(heartbeat: TimeSpan.FromMilliseconds(500));
        await using var proxy = await ReverseProxies.StartAsync(proxyName, [server.ServerAddress], idleTimeout: TimeSpan.FromSeconds(2));
        var recorder = new SseStreamRecorder<Tick>(context: () => proxy.Description);
        using var http = new HttpClient { BaseAddress = proxy.Address };
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 1, timeout: Timeout);

        await Task.Delay(TimeSpan.FromSeconds(5));
        await PublishAsync(server, 0, 1);
        await reading;

        Assert.True(recorder.Connections.Count == 1, $"The quiet stream was cut: {recorder.Describe()}");
    }

    [RequiresNginxTheory]
    [MemberData(nameof(ReverseProxies.Names), MemberType = typeof(ReverseProxies))]
    public async Task QuietStreamWithoutHeartbeats_IsClosedByTheProxy_AndResumes(string proxyName)
    {
        // The control for the test above: with heartbeats slower than the proxy's idle timeout, the proxy closes the
        // quiet stream (the setting matters), and the client resumes without losing what came meanwhile.
        await using var server = await StartServerAsync(heartbeat: TimeSpan.FromMinutes(10));
        await using var proxy = await ReverseProxies.StartAsync(proxyName, [server.ServerAddress], idleTimeout: TimeSpan.FromSeconds(1));
        var recorder = new SseStreamRecorder<Tick>(context: () => proxy.Description);
        using var http = new HttpClient { BaseAddress = proxy.Address };
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 2, timeout: Timeout);
        await PublishAsync(server, 0, 1);
        await WaitUntilAsync(() => recorder.Items.Count == 1, recorder);

        await WaitUntilAsync(() => recorder.Disconnections.Count >= 1, recorder);
        await PublishAsync(server, 1, 1);
        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 2);
        SseAssert.EveryReconnectResumed(recorder);
    }

    [RequiresNginxTheory]
    [MemberData(nameof(ReverseProxies.Names), MemberType = typeof(ReverseProxies))]
    public async Task ProxyRestarted_TheClientReconnectsAndResumes_NothingLostWhileItWasDown(string proxyName)
    {
        await using var server = await StartServerAsync();
        await using var proxy = await ReverseProxies.StartAsync(proxyName, [server.ServerAddress]);
        var recorder = new SseStreamRecorder<Tick>(context: () => proxy.Description);
        using var http = new HttpClient { BaseAddress = proxy.Address };
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 40, timeout: Timeout);
        await PublishAsync(server, 0, 20);
        await WaitUntilAsync(() => recorder.Items.Count == 20, recorder);

        await proxy.StopAsync();
        await PublishAsync(server, 20, 10);                 // published while the proxy is down
        await Task.Delay(300);
        await proxy.StartAgainAsync();
        await PublishAsync(server, 30, 10);
        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 40);
        SseAssert.EveryReconnectResumed(recorder);
        Assert.True(recorder.Reconnects >= 1, recorder.Describe());
    }

    internal static async Task PublishAsync(SseTestHost server, long from, int count)
    {
        var ticks = server.Services.GetRequiredService<DeployFeedPublisher>().Ticks();
        for (var seq = from; seq < from + count; seq++)
        {
            await ticks.PublishAsync(new Tick(seq, "tick ✓ " + seq + new string('.', 40)));
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, SseStreamRecorder<Tick> recorder)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                throw new SseAssertionException("Timed out. " + recorder.Describe());
            }

            await Task.Delay(10);
        }
    }
}

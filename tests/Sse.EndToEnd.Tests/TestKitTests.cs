using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sse.Runtime.AspNetCore;
using Sse.Runtime;
using Sse.Testing;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>The test kit's faults that the other suites do not use, against the generated client: answers in the server's place, refused connections, a stall.</summary>
public sealed class TestKitTests
{
    private static Task<SseTestHost> StartAsync(SseTestHostOptions options) => SseTestHost.StartAsync(
        static builder => builder.Services.AddChatFeedPublisher().AddScoped<IChatFeed, ChatFeed>(),
        static app => app.MapChatFeed(),
        options);

    [Fact]
    public async Task Answered503WithRetryAfter_ThenRefused_ThenStalled_TheClientWaitsRetriesAndGetsEverything()
    {
        await using var host = await StartAsync(new()
        {
            Marker = "/chat/rooms/",
            Faults = static r => r.Index switch
            {
                0 => SseFault.Respond(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1)),
                1 => SseFault.StallAfterBytes(10, TimeSpan.FromMilliseconds(500)),
                _ => null,
            },
        });
        var recorder = new SseStreamRecorder<ChatMessage>(context: host.Proxy.ToString);
        using var http = host.CreateHttpClient();
        var reading = recorder.RecordAsync(new ChatFeedClient(http, recorder.Options).Room("kit"), count: 3);
        for (var waited = 0; recorder.Connections.Count == 0; waited += 10)
        {
            Assert.True(waited < 30_000, "The client never connected: " + recorder.Describe());
            await Task.Delay(10);
        }

        var publisher = host.Services.GetRequiredService<ChatFeedPublisher>().Room("kit");
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync(new ChatMessage("p", "m" + i));
        }

        await reading;
        SseAssert.Sequence(recorder, ["m0", "m1", "m2"], static m => m.Text);
        Assert.StartsWith("answer 503 with Retry-After 1 s", host.Proxy.Requests[0].Fault?.Description, StringComparison.Ordinal);
        Assert.Contains(recorder.Disconnections, static d => d.Reason == SseDisconnectReason.RetryableStatus);
        Assert.Equal(2, host.Proxy.Requests.Count);
    }

    [Fact]
    public async Task KeptAliveConnection_ItsNextMarkedRequestIsPlannedToo()
    {
        // The second stream goes over the connection the first one left in the pool: the proxy plans it as a request of
        // its own (index 1), counting from its response, so its cut after five events happens, and the client resumes.
        await using var server = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), options: new()
        {
            Marker = "/resume/sequence",
            Faults = static r => r.Index == 1 ? SseFault.CutAfterEvents(5) : null,
        });
        using var http = server.Host.CreateHttpClient();
        var first = new SseStreamRecorder<Numbered>(context: server.Host.Proxy.ToString);
        await first.RecordAsync(new ResumeFeedClient(http, first.Options).Sequence(10));
        var second = new SseStreamRecorder<Numbered>(context: server.Host.Proxy.ToString);
        await second.RecordAsync(new ResumeFeedClient(http, second.Options).Sequence(20));

        SseAssert.NoGapNoDuplicate(first, static n => n.Seq, first: 0, count: 10);
        SseAssert.NoGapNoDuplicate(second, static n => n.Seq, first: 0, count: 20);
        SseAssert.Reconnected(second, 1);
        Assert.Equal("4", second.LastEventIdsSent[1]?.Split('-')[^1]);
        Assert.Equal(1, server.Host.Proxy.Cuts);
    }

    [Fact]
    public async Task RefusedConnections_TheClientRetriesUntilTheServerIsBack()
    {
        await using var host = await StartAsync(new() { Marker = "/chat/rooms/" });
        host.Proxy.Refuse(TimeSpan.FromMilliseconds(500));
        var recorder = new SseStreamRecorder<ChatMessage>(context: host.Proxy.ToString);
        using var http = host.CreateHttpClient();
        var reading = recorder.RecordAsync(new ChatFeedClient(http, recorder.Options).Room("kit"), count: 1);
        for (var waited = 0; recorder.Connections.Count == 0; waited += 10)
        {
            Assert.True(waited < 30_000, "The client never connected: " + recorder.Describe());
            await Task.Delay(10);
        }

        await host.Services.GetRequiredService<ChatFeedPublisher>().Room("kit").PublishAsync(new ChatMessage("p", "back"));
        await reading;
        SseAssert.Sequence(recorder, ["back"], static m => m.Text);
        Assert.Contains(recorder.Disconnections, static d => d.Reason == SseDisconnectReason.ConnectFailed);
    }

    [Fact]
    public async Task OneFakeClockForBothEnds_ReconnectsAfter30SecondsIdle_InMilliseconds()
    {
        // The server sends no heartbeats, so the stream is quiet; the client's idle timeout (30 s) runs on the same
        // fake clock as the server, so the test advances time instead of waiting for it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await SseTestHost.StartAsync(
            static builder => builder.Services.AddChatFeedPublisher().AddScoped<IChatFeed, ChatFeed>().Configure<SseServerOptions>(static o => o.HeartbeatInterval = System.Threading.Timeout.InfiniteTimeSpan),
            static app => app.MapChatFeed(),
            new() { Marker = "/chat/rooms/", TimeProvider = clock });
        var recorder = new SseStreamRecorder<ChatMessage>(context: host.Proxy.ToString);
        (recorder.Options.TimeProvider, recorder.Options.IdleTimeout) = (clock, TimeSpan.FromSeconds(30));
        using var http = host.CreateHttpClient();
        await using var stream = await new ChatFeedClient(http, recorder.Options).Room("idle").ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 1);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var seconds = 0; recorder.Connections.Count < 2; seconds++)
        {
            Assert.True(seconds < 600, "No reconnect after ten idle minutes of fake time: " + recorder.Describe());
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        await host.Services.GetRequiredService<ChatFeedPublisher>().Room("idle").PublishAsync(new ChatMessage("p", "after"));
        await reading;
        SseAssert.Sequence(recorder, ["after"], static m => m.Text);
        Assert.Contains(recorder.Disconnections, static d => d.Reason == SseDisconnectReason.IdleTimeout);
        SseAssert.EveryReconnectResumed(recorder);
        Console.WriteLine($"30 s of idle time, then the reconnect: {started.ElapsedMilliseconds} ms of real time.");
    }
}

using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
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
}

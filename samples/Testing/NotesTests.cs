using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Testing;
using Xunit;

namespace Testing;

/// <summary>The tests a user writes for their streams, each one fault: cuts, a stalled consumer, a restart that loses history, a stub.</summary>
public sealed class NotesTests
{
    private static Task<SseTestHost> StartAsync(SseTestHostOptions? options = null, int queue = 1000) => SseTestHost.StartAsync(
        builder => builder.Services.AddNotesPublisher(hub => hub.MaxQueuedEvents = queue),
        app => app.MapNotes(),
        options);

    private static async Task PublishAsync(SseTestHost host, int from, int count, int size = 0)
    {
        for (var seq = from; seq < from + count; seq++)
        {
            await host.Services.GetRequiredService<NotesPublisher>().Feed().PublishAsync(new Note(seq, "note ✓ " + seq + new string('.', size)));
        }
    }

    [Fact]
    public async Task ThreeCutsMidFrame_TheClientResumes_NoGapNoDuplicate()
    {
        await using var host = await StartAsync(new() { Faults = r => r.Index < 3 ? SseFault.CutAfterEvents(20 * (r.Index + 1)) : null, Marker = "/notes/feed" });
        var recorder = new SseStreamRecorder<Note>(context: host.Proxy.ToString);
        await using var stream = await new NotesClient(host.CreateHttpClient(), recorder.Options).Feed().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 200);
        await PublishAsync(host, 0, 200);
        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static n => n.Seq, first: 0, count: 200);
        SseAssert.Reconnected(recorder, 3);
        SseAssert.EveryReconnectResumed(recorder);
    }

    [Fact]
    public async Task ConsumerStalledPastItsQueue_IsDisconnected_AndResumesWithEverything()
    {
        await using var host = await StartAsync(queue: 50);
        var recorder = new SseStreamRecorder<Note>(context: host.Proxy.ToString);
        await using var stream = await new NotesClient(host.CreateHttpClient(), recorder.Options).Feed().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 3_000);
        host.Proxy.Stall(TimeSpan.FromSeconds(2));   // the network (or the reader) stops taking bytes
        await PublishAsync(host, 0, 3_000, size: 4_000);   // 12 MB: more than the sockets hold, so the server's queue fills
        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static n => n.Seq, first: 0, count: 3_000);
        Assert.Contains(recorder.Disconnections, static d => d.WillReconnect);
    }

    [Fact]
    public async Task ServerRestartedWithoutItsHistory_TheClientGetsTheResetSignal()
    {
        await using var host = await StartAsync();
        var recorder = new SseStreamRecorder<Note>(context: host.Proxy.ToString);
        await using var stream = await new NotesClient(host.CreateHttpClient(), recorder.Options).Feed().ConnectAsync();
        var reading = recorder.RecordAsync(stream);
        await PublishAsync(host, 0, 5);
        await WaitUntilAsync(() => recorder.Items.Count == 5);

        await host.RestartAsync(keepHistory: false);  // a new epoch: the client's last id means nothing here
        await reading;

        SseAssert.Reset(recorder);
        SseAssert.NoGapNoDuplicate(recorder, static n => n.Seq, first: 0, count: 5);
    }

    [Fact]
    public async Task Consumer_AgainstAStub_ResumesWithTheLastIdAfterADropAndA503()
    {
        var stub = new SseStubHandler()
            .RespondWithStream(s => s.Event("""{"Seq":1,"Text":"a"}""", id: "1").Event("""{"Seq":2,"Text":"b"}""", id: "2").ThenDisconnect())
            .RespondWithStatus(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.Zero)
            .RespondWithStream(s => s.Event("""{"Seq":3,"Text":"c"}""", id: "3").End());
        var recorder = new SseStreamRecorder<Note>();
        await recorder.RecordAsync(new NotesClient(new HttpClient(stub) { BaseAddress = new Uri("http://stub/") }, recorder.Options).Feed());

        SseAssert.NoGapNoDuplicate(recorder, static n => n.Seq, first: 1, count: 3);
        SseAssert.Completed(recorder);
        Assert.Equal([null, "2", "2"], stub.Requests.Select(static r => r.LastEventId));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 30_000, "Timed out.");
            await Task.Delay(10);
        }
    }
}

using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Chat;
using Microsoft.AspNetCore.Mvc.Testing;
using Sse.Contracts;
using Sse.Runtime;

// The client part of the Chat sample's contract, generated here as a user's test project would.
[assembly: SseClient(typeof(IChat))]

namespace Sse.Testing.Frameworks;

/// <summary>
/// Tests of the Chat sample's own <c>Program</c> (its cookie sign-in, its authorization, its topics), written once with
/// no test framework (Sse.Testing's assertions throw) and run by an xunit v3, an NUnit and an MSTest project, in
/// parallel: each test has hosts of its own, nothing is static.
/// </summary>
public static class ChatScenarios
{
    /// <summary>A signed-in member's room stream cut at seeded random offsets mid-frame resumes each time; nothing lost, nothing twice.</summary>
    /// <returns>The test.</returns>
    public static async Task RoomStream_CutAtSeededOffsets_ResumesWithoutGapOrDuplicate()
    {
        await using var factory = new WebApplicationFactory<Program>();
        await using var host = await SseTestHost.StartAsync(factory, new SseTestHostOptions
        {
            Marker = "/chat/rooms/lobby",
            Faults = static r => r.Index < 3 ? SseFault.CutAtRandom(r.Random, 200, 2_000, SseCutPoint.MidFrame) : null,
        });
        var recorder = new SseStreamRecorder<ChatMessage>(context: host.Proxy.ToString);
        using var alice = await SignInAsync(host.Address, "alice", recorder.Options);
        using var bob = await SignInAsync(host.ServerAddress, "bob");   // the sender's requests do not pass the proxy
        await using var room = await alice.Chat.Room("lobby").ConnectAsync();
        var reading = recorder.RecordAsync(room, count: 60, timeout: TimeSpan.FromSeconds(60));

        for (var i = 0; i < 60; i++)
        {
            await bob.Chat.Send("lobby", new Draft($"message {i} ✓"));
        }

        await reading;
        SseAssert.NoGapNoDuplicate(recorder, Number, first: 0, count: 60);
        SseAssert.Reconnected(recorder, 3);
        SseAssert.EveryReconnectResumed(recorder);
    }

    /// <summary>The application restarted without its history (a new epoch): the member's client gets the reset signal, not a silent gap.</summary>
    /// <returns>The test.</returns>
    public static async Task ApplicationRestartedWithoutHistory_TheClientGetsTheResetSignal()
    {
        await using var factory = new WebApplicationFactory<Program>();
        await using var host = await SseTestHost.StartAsync(factory);
        var recorder = new SseStreamRecorder<ChatMessage>(context: host.Proxy.ToString);
        using var alice = await SignInAsync(host.Address, "alice", recorder.Options);
        await using var room = await alice.Chat.Room("dotnet").ConnectAsync();
        var reading = recorder.RecordAsync(room, timeout: TimeSpan.FromSeconds(60));
        for (var i = 0; i < 5; i++)
        {
            await alice.Chat.Send("dotnet", new Draft($"message {i}"));
        }

        await WaitUntilAsync(() => recorder.Items.Count == 5, recorder);
        await host.RestartAsync(keepHistory: false);   // the same port, the Program started again, a new epoch
        await reading;

        SseAssert.Reset(recorder);
        SseAssert.NoGapNoDuplicate(recorder, Number, first: 0, count: 5);
    }

    /// <summary>The cookie survives the restart: the client resumes on the new server as the same user, from its last id.</summary>
    /// <returns>The test.</returns>
    public static async Task ApplicationRestartedWithItsHistory_TheClientResumes()
    {
        await using var factory = new WebApplicationFactory<Program>();
        await using var host = await SseTestHost.StartAsync(factory);
        var recorder = new SseStreamRecorder<ChatMessage>(context: host.Proxy.ToString);
        using var alice = await SignInAsync(host.Address, "alice", recorder.Options);
        await using var room = await alice.Chat.Room("random").ConnectAsync();
        var reading = recorder.RecordAsync(room, count: 10, timeout: TimeSpan.FromSeconds(60));
        for (var i = 0; i < 5; i++)
        {
            await alice.Chat.Send("random", new Draft($"message {i}"));
        }

        await WaitUntilAsync(() => recorder.Items.Count == 5, recorder);
        await host.RestartAsync(keepHistory: true);
        for (var i = 5; i < 10; i++)
        {
            await alice.Chat.Send("random", new Draft($"message {i}"));
        }

        await reading;
        SseAssert.NoGapNoDuplicate(recorder, Number, first: 0, count: 10);
        SseAssert.EveryReconnectResumed(recorder);
    }

    /// <summary>A consumer of the Chat client against a stub: a dropped stream, a 503, then the rest; the reconnects carry the last id.</summary>
    /// <returns>The test.</returns>
    public static async Task Consumer_AgainstAStub_ResumesWithTheLastId()
    {
        const string First = """{"From":"bob","Text":"message 0","At":"2026-12-02T00:00:00Z","Room":"lobby"}""";
        const string Second = """{"From":"bob","Text":"message 1","At":"2026-12-02T00:00:01Z","Room":"lobby"}""";
        var stub = new SseStubHandler()
            .RespondWithStream(s => s.Event(First, id: "e1-0").ThenDisconnect())
            .RespondWithStatus(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.Zero)
            .RespondWithStream(s => s.Event(Second, id: "e1-1").End());
        var recorder = new SseStreamRecorder<ChatMessage>();
        using var http = new HttpClient(stub) { BaseAddress = new Uri("http://stub/") };

        await recorder.RecordAsync(new ChatClient(http, recorder.Options).Room("lobby"));

        SseAssert.NoGapNoDuplicate(recorder, Number, first: 0, count: 2);
        SseAssert.Completed(recorder);
        var sent = string.Join(", ", stub.Requests.Select(static r => r.LastEventId ?? "none"));
        if (sent != "none, e1-0, e1-0")
        {
            throw new SseAssertionException($"The client sent Last-Event-ID {sent}; expected none, e1-0, e1-0.");
        }
    }

    private static long Number(ChatMessage message) => long.Parse(message.Text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Signs in at <c>/login</c> (the sample's cookie) and builds the generated client on the same cookie jar.</summary>
    private static async Task<Member> SignInAsync(Uri address, string name, SseClientOptions? options = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        using var response = await http.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent([new("name", name)]));
        response.EnsureSuccessStatusCode();
        return new Member(http, new ChatClient(http, options));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, SseStreamRecorder<ChatMessage> recorder)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            if (waited > 30_000)
            {
                throw new SseAssertionException("Timed out waiting for the messages.\n" + recorder.Describe());
            }

            await Task.Delay(10);
        }
    }

    private sealed record Member(HttpClient Http, ChatClient Chat) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }
}

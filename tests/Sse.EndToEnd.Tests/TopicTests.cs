using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Tests;
using Sse.Testing;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>Publish/subscribe through the generated topic endpoints, publisher and commands, over real Kestrel.</summary>
public sealed class TopicTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string NewRoom() => "room-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task CommandPublishes_EverySubscriberReceives()
    {
        var room = NewRoom();
        await using var alice = await server.ChatClient.Room(room).ConnectAsync();
        await using var bob = await server.ChatClient.Room(room).ConnectAsync();
        Assert.Equal(2, (await server.ChatClient.Info(room)).Subscribers);

        await server.ChatClient.Send(room, new ChatMessage("carol", "hi all"));
        await server.ChatClient.Send(room, new ChatMessage("carol", "second"));

        foreach (var subscription in new[] { alice, bob })
        {
            var received = await TakeAsync(subscription, 2);
            Assert.Equal([new ChatMessage("carol", "hi all"), new ChatMessage("carol", "second")], received);
        }
    }

    [Fact]
    public async Task TopicEvents_OnTheWire_CarryTheHubsIds()
    {
        var room = NewRoom();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync(new Uri($"/chat/rooms/{room}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new System.IO.StreamReader(await response.Content.ReadAsStreamAsync());
        var id = await server.ChatPublisher.Room(room).PublishAsync(new ChatMessage("a", "b"));

        // First the subscription's own position, an id without an event (a client dropped now resumes from it), then the event.
        var epoch = id[..id.LastIndexOf('-')];
        Assert.Matches("^id: " + epoch + "-[0-9]+$", await reader.ReadLineAsync());
        Assert.Equal(string.Empty, await reader.ReadLineAsync());
        Assert.Equal("id: " + id, await reader.ReadLineAsync());
        Assert.Equal("data: {\"from\":\"a\",\"text\":\"b\"}", await reader.ReadLineAsync());
        Assert.Matches("^[0-9a-f]+-[0-9]+$", id);
    }

    [Fact]
    public async Task Resume_AfterTheLastIdSeen_GetsExactlyTheRest()
    {
        var room = NewRoom();
        var topic = server.ChatPublisher.Room(room);
        var ids = new List<string>();
        await using (var first = await server.ChatClient.Room(room).ConnectAsync())
        {
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await topic.PublishAsync(new ChatMessage("p", "m" + i)));
            }

            Assert.Equal(5, (await TakeAsync(first, 5)).Count);
        }

        for (var i = 5; i < 10; i++)
        {
            ids.Add(await topic.PublishAsync(new ChatMessage("p", "m" + i)));
        }

        // A client resuming after the third event (as EventSource would) gets the seven after it, then live ones.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/rooms/{room}");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", ids[2]);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var replayed = await ReadDataLinesAsync(response, 7);

        Assert.Equal(Enumerable.Range(3, 7).Select(static i => $"data: {{\"from\":\"p\",\"text\":\"m{i}\"}}"), replayed);
    }

    [Fact]
    public async Task LiveSubscriberDroppedBeforeItsFirstEvent_ResumesFromWhereItSubscribed_NothingLost()
    {
        // The stream starts with an id-only frame (the subscription's position), so a client cut off before any event
        // resumes from there, and gets what was published while it was away, instead of subscribing afresh.
        var room = NewRoom();
        await using var proxy = new SseFaultProxy(server.BaseAddress, marker: "/chat/rooms/");
        var recorder = new SseStreamRecorder<ChatMessage>(context: proxy.ToString);
        var services = new ServiceCollection();
        services.AddChatFeedClient(http => http.BaseAddress = proxy.Address, o => (o.OnConnected, o.OnDisconnected, o.InitialReconnectDelay) = (recorder.Options.OnConnected, recorder.Options.OnDisconnected, TimeSpan.FromMilliseconds(200)));
        await using var provider = services.BuildServiceProvider();
        await using var subscription = await provider.GetRequiredService<IChatFeed>().Room(room).ConnectAsync();
        var reading = recorder.RecordAsync(subscription, count: 5);
        for (var waited = 0; proxy.Requests is not [{ LastIdSent: not null }, ..]; waited += 10)
        {
            Assert.True(waited < 30_000, "The server sent no id before the first event: a client dropped now would subscribe afresh and miss what comes meanwhile.");
            await Task.Delay(10);
        }

        proxy.CutAll();
        for (var i = 0; i < 5; i++)
        {
            await server.ChatPublisher.Room(room).PublishAsync(new ChatMessage("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await reading;
        SseAssert.Sequence(recorder, ["0", "1", "2", "3", "4"], static m => m.Text);
        Assert.Equal(proxy.Requests[0].LastIdSent, recorder.LastEventIdsSent[1]);
    }

    [Fact]
    public async Task GeneratedClient_ResumesATopicThroughCutConnections_NoGapNoDuplicate()
    {
        const int Events = 2_000;
        var room = NewRoom();
        await using var proxy = new SseFaultProxy(server.BaseAddress, static r => r.Index < 10 ? SseFault.CutAfterBytes(300 + (r.Index * 700), SseCutPoint.MidFrame) : null, "/chat/rooms/");
        var services = new ServiceCollection();
        services.AddChatFeedClient(http => http.BaseAddress = proxy.Address, static o =>
        {
            o.InitialReconnectDelay = TimeSpan.FromMilliseconds(5);
            o.MaxReconnectDelay = TimeSpan.FromMilliseconds(50);
        });
        await using var provider = services.BuildServiceProvider();
        var topic = server.ChatPublisher.Room(room);
        await using var subscription = await provider.GetRequiredService<IChatFeed>().Room(room).ConnectAsync();
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < Events; i++)
            {
                await topic.PublishAsync(new ChatMessage("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (i % 50 == 0)
                {
                    await Task.Delay(1);
                }
            }
        });

        var received = await TakeAsync(subscription, Events);
        await publishing;

        Assert.Equal(Enumerable.Range(0, Events).Select(static i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received.Select(static m => m.Text));
        Assert.Equal(10, proxy.Cuts);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("deadbeef-5")]
    [InlineData("")]
    public async Task IdFromAnotherEpochOrNotAnId_IsTheCannotResumeSignal(string id)
    {
        var room = NewRoom();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/rooms/{room}");
        if (id.Length == 0)
        {
            // An id of this epoch, far past anything the topic has.
            id = await server.Hub.TopicLog.EpochAsync("rooms/" + room) + "-999999999";
        }

        request.Headers.TryAddWithoutValidation("Last-Event-ID", id);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("event: sse-reset\ndata: {\"title\":\"Cannot resume\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdTooOldForTheReplay_IsTheCannotResumeSignal()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), hub: static o => o.ReplayCount = 3);
        var publisher = host.Services.GetRequiredService<ChatFeedPublisher>();
        var room = NewRoom();
        var first = await publisher.Room(room).PublishAsync(new ChatMessage("p", "0"));
        for (var i = 1; i < 10; i++)
        {
            await publisher.Room(room).PublishAsync(new ChatMessage("p", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/rooms/{room}");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", first);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        // Three events are kept; the first six after the id are gone: resuming would lose them, so it is refused.
        Assert.StartsWith("event: sse-reset\ndata: {\"title\":\"Cannot resume\",\"detail\":\"Events after this id are no longer kept", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerUserTopic_OnlyItsUserReadsIt_ByAnyRouteOrQuery()
    {
        var alice = UserClient("alice");
        var bob = UserClient("bob");
        await using var aliceInbox = await alice.Inbox().ConnectAsync();
        await using var bobInbox = await bob.Inbox().ConnectAsync();

        await server.ChatClient.Direct("alice", new ChatMessage("carol", "for alice"));
        await server.ChatClient.Direct("bob", new ChatMessage("carol", "for bob"));

        Assert.Equal([new ChatMessage("carol", "for alice")], await TakeAsync(aliceInbox, 1));
        Assert.Equal([new ChatMessage("carol", "for bob")], await TakeAsync(bobInbox, 1));

        // Bob asking for Alice's inbox by any route or query trick still gets his own.
        foreach (var target in new[] { "/chat/inbox?user=alice", "/chat/inbox?sub=alice", "/chat/inbox/alice", "/chat/inbox/?user=alice&lastEventId=x", "/chat/rooms/..%2Finbox%2Falice" })
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Add("X-Test-User", "bob");
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue; // 404 or a refused id: nothing of Alice's either way
            }

            var publish = server.ChatPublisher.Inbox("alice").PublishAsync(new ChatMessage("carol", "secret for alice"));
            var body = await ReadSomeAsync(response, TimeSpan.FromMilliseconds(300));
            await publish;
            Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("nosub", HttpStatusCode.Forbidden)]
    public async Task PerUserTopic_WithoutTheUsersClaim_IsRefused(string? user, HttpStatusCode status)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/chat/inbox");
        if (user is not null)
        {
            request.Headers.Add("X-Test-User", user);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AuthorizationHook_Refuses_403()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), hub: static o =>
            o.AuthorizeSubscription = static c => ValueTask.FromResult(!c.Topic.EndsWith("/secret", StringComparison.Ordinal)));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var refused = await http.GetAsync(new Uri("/chat/rooms/secret", UriKind.Relative));
        using var allowed = await http.GetAsync(new Uri("/chat/rooms/open", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task HandWrittenStream_FiltersATopic_AndResumesWithTheHubsIds()
    {
        var room = NewRoom();
        await using var fromBob = await server.ChatClient.From(room, "bob").ConnectAsync();
        var topic = server.ChatPublisher.Room(room);
        await WaitUntilAsync(() => topic.SubscriberCount == 1);

        await topic.PublishAsync(new ChatMessage("alice", "1"));
        var bobsId = await topic.PublishAsync(new ChatMessage("bob", "2"));
        await topic.PublishAsync(new ChatMessage("alice", "3"));
        await topic.PublishAsync(new ChatMessage("bob", "4"));

        var items = new List<System.Net.ServerSentEvents.SseItem<ChatMessage>>();
        await foreach (var item in fromBob)
        {
            items.Add(item);
            if (items.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["2", "4"], items.Select(static i => i.Data.Text));
        Assert.Equal(bobsId, items[0].EventId);
    }

    [Fact]
    public async Task Commands_AnswerWithProblemDetails()
    {
        var ex = await Assert.ThrowsAsync<SseHttpException>(() => server.ChatClient.Broken());
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("The command 'ChatFeed.Broken' failed.", ex.ProblemDetail);
        Assert.DoesNotContain("on purpose", ex.Body, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var content = new StringContent("{\"from\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/chat/rooms/r/messages", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'text'", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SubscribeCallbacksAndCounts_FollowEveryConnection()
    {
        var events = new ConcurrentQueue<string>();
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), hub: o =>
        {
            o.OnSubscribed = i => events.Enqueue($"+{i.Topic}:{i.SubscriberCount}:{i.Stream}");
            o.OnUnsubscribed = i => events.Enqueue($"-{i.Topic}:{i.SubscriberCount}");
        });
        var client = new ChatFeedClient(new HttpClient { BaseAddress = host.BaseAddress });
        var hub = host.Services.GetRequiredService<SseHub>();

        var first = await client.Room("lobby").ConnectAsync();
        var second = await client.Room("lobby").ConnectAsync();
        Assert.Equal(2, hub.GetSubscriberCount("rooms/lobby"));
        await first.DisposeAsync();
        await second.DisposeAsync();
        // The callback follows the count's change: wait for both.
        await WaitUntilAsync(() => hub.GetSubscriberCount("rooms/lobby") == 0 && events.Count == 4);

        // The two ends may be noticed in either order; each reports the count it left behind.
        Assert.Equal(["+rooms/lobby:1:ChatFeed.Room", "+rooms/lobby:2:ChatFeed.Room"], events.Take(2));
        Assert.Equal(["-rooms/lobby:0", "-rooms/lobby:1"], events.Skip(2).Order(StringComparer.Ordinal));
        Assert.Empty(hub.GetSubscribedTopics());
    }

    [Fact]
    public async Task ApplicationShutdown_EndsTopicStreams_AsLostConnections()
    {
        // The host would wait ten minutes for the streams to end by themselves (see the lifecycle test).
        var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), services: static s => s.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        var client = new ChatFeedClient(new HttpClient { BaseAddress = host.BaseAddress }, new SseClientOptions { Reconnect = false });
        var subscriptions = new List<SseSubscription<ChatMessage>>();
        for (var i = 0; i < 20; i++)
        {
            subscriptions.Add(await client.Room("lobby").ConnectAsync());
        }

        using var stopLimit = new CancellationTokenSource(Timeout);
        await host.StopAsync(stopLimit.Token);
        Assert.False(stopLimit.IsCancellationRequested, "StopAsync waited for its own timeout: the topic streams did not end with the stopping token.");
        foreach (var subscription in subscriptions)
        {
            await Assert.ThrowsAsync<SseConnectionLostException>(() => TakeAsync(subscription, 1));
            await subscription.DisposeAsync();
        }

        await host.DisposeAsync();
    }

    private ChatFeedClient UserClient(string user)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Test-User", user);
        return new ChatFeedClient(http);
    }

    private static async Task<List<T>> TakeAsync<T>(SseSubscription<T> source, int count)
    {
        var items = new List<T>();
        using var cts = new CancellationTokenSource(Timeout);
        await using var enumerator = source.GetAsyncEnumerator(cts.Token);
        while (items.Count < count && await enumerator.MoveNextAsync().AsTask().WaitAsync(cts.Token))
        {
            items.Add(enumerator.Current);
        }

        return items;
    }

    private static async Task<List<string>> ReadDataLinesAsync(HttpResponseMessage response, int count)
    {
        using var reader = new System.IO.StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(Timeout);
        while (lines.Count < count && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, TimeSpan within)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var text = new System.Text.StringBuilder();
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    break;
                }

                text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException)
        {
            // Read for a while, then look.
        }

        return text.ToString();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Timeout, "The condition was never met.");
            await Task.Delay(10);
        }
    }
}

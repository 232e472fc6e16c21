using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Tests;
using Sse.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// The topic delivery promise as a client sees it, over real Kestrel: exact, or the explicit signal where it stops
/// being exact (sse-gap with the exact count, sse-reset, a reconnect that resumes), and refusals that say why.
/// </summary>
public sealed class DeliveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string NewRoom() => "room-" + Guid.NewGuid().ToString("N")[..8];

    private static string N(long i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>A client whose sockets keep 16 KB of receive buffer (no autotuning), so a pause backs up to the server quickly.</summary>
    private static HttpClient SmallBufferClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = static async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 16 * 1024 };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress };

    [Fact]
    public async Task DropOldest_TheGapSaysExactlyHowManyWereDropped_RightWhereTheyWere()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), hub: static o =>
        {
            o.SlowConsumerPolicy = SseSlowConsumerPolicy.DropOldest;
            o.MaxQueuedEvents = 50;
        });
        var room = NewRoom();
        var topic = host.Services.GetRequiredService<ChatFeedPublisher>().Room(room);
        using var http = SmallBufferClient(host.BaseAddress);
        using var response = await http.GetAsync(new Uri($"/chat/rooms/{room}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        var hub = host.Services.GetRequiredService<SseHub>();
        await WaitUntilAsync(() => topic.SubscriberCount == 1);

        // The client reads nothing while 100,000 events are published: its queue overflows again and again.
        const int Events = 100_000;
        for (var i = 0; i < Events; i++)
        {
            await topic.PublishAsync(new ChatMessage("p", N(i)));
        }

        // Only this topic is published on this server, so its positions are consecutive: each event's position is the
        // previous one's plus one plus what the gaps in between say.
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        long? previous = null;
        long gapped = 0, gaps = 0, received = 0, pending = 0;
        string? id = null, eventType = null;
        using var cts = new CancellationTokenSource(Timeout);
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventType == "sse-gap")
            {
                pending += long.Parse(line["data: {\"missed\":".Length..^1], CultureInfo.InvariantCulture);
                gaps++;
            }
            else if (line.Length == 0)
            {
                if (eventType is null && id is not null)
                {
                    var position = long.Parse(id[(id.IndexOf('-', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
                    if (previous is { } before)
                    {
                        Assert.Equal(before + 1 + pending, position);
                    }

                    gapped += pending;
                    pending = 0;
                    previous = position;
                    received++;
                    if (received + gapped == Events)
                    {
                        break;
                    }
                }

                id = null;
                eventType = null;
            }
        }

        output.WriteLine($"Received {received:N0}, dropped {gapped:N0} in {gaps:N0} gaps.");
        Assert.True(gaps > 0, "Nothing was dropped: the test did not make the subscriber fall behind.");
        Assert.Equal(Events, received + gapped + (previous is null ? 0 : 0));
        Assert.Equal(1, hub.GetSubscriberCount("rooms/" + room));
    }

    [Fact]
    public async Task ServerThatHeardNothingPastRetention_GeneratedClientGetsTheExactPrefix_ThenTheResetSignal()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), hub: static o => o.ReplayCount = 100, services: static services =>
            services.Replace(ServiceDescriptor.Singleton<ISseTopicLog>(static sp => new SseFaultyTopicLog(new InMemorySseTopicLog(sp.GetRequiredService<IOptions<SseHubOptions>>())))));
        var log = (SseFaultyTopicLog)host.Services.GetRequiredService<ISseTopicLog>();
        var room = NewRoom();
        var topic = host.Services.GetRequiredService<ChatFeedPublisher>().Room(room);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var client = new ChatFeedClient(http);
        await using var subscription = await client.Room(room).ConnectAsync();
        await using var enumerator = subscription.GetAsyncEnumerator();
        for (var i = 0; i < 10; i++)
        {
            await topic.PublishAsync(new ChatMessage("p", N(i)));
        }

        var received = new List<string>();
        while (received.Count < 10 && await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            received.Add(enumerator.Current.Text);
        }

        // The server is paused (hears nothing) while 1,490 more are published elsewhere; retention keeps 100 of them.
        log.HoldWakeUps();
        for (var i = 10; i < 1_500; i++)
        {
            await topic.PublishAsync(new ChatMessage("p", N(i)));
        }

        log.ReleaseWakeUps();
        await Assert.ThrowsAsync<SseResumeRejectedException>(async () =>
        {
            while (await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout))
            {
                received.Add(enumerator.Current.Text);
            }
        });

        Assert.Equal(Enumerable.Range(0, 10).Select(static i => N(i)), received);
    }

    [Fact]
    public async Task SlowReaderWithTheDefaults_IsDisconnected_ThenResumesWithNothingLost()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider());
        var room = NewRoom();
        var topic = host.Services.GetRequiredService<ChatFeedPublisher>().Room(room);
        using var http = SmallBufferClient(host.BaseAddress);
        var reconnects = 0;
        var client = new ChatFeedClient(http, new SseClientOptions { OnReconnecting = _ => Interlocked.Increment(ref reconnects) });
        await using var subscription = await client.Room(room).ConnectAsync();
        await WaitUntilAsync(() => topic.SubscriberCount == 1);

        // About 2,000 events of 1 KB a second, for 8 seconds.
        const int Events = 16_000;
        var text = new string('x', 1_000);
        using var stop = new CancellationTokenSource(Timeout * 2);
        var publishing = Task.Run(async () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Events; i++)
            {
                await topic.PublishAsync(new ChatMessage(N(i), text), stop.Token);
                while (clock.Elapsed.TotalMilliseconds < i / 2.0)
                {
                    await Task.Delay(1, stop.Token);
                }
            }
        });

        var received = new List<long>();
        await using var enumerator = subscription.GetAsyncEnumerator(stop.Token);
        while (received.Count < Events && await enumerator.MoveNextAsync())
        {
            received.Add(long.Parse(enumerator.Current.From, CultureInfo.InvariantCulture));
            if (received.Count == 200)
            {
                // The reader pauses for 3.5 s, and until the server has dropped it for falling behind.
                var paused = System.Diagnostics.Stopwatch.StartNew();
                await Task.Delay(3_500, stop.Token);
                while (topic.SubscriberCount > 0 && paused.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(10, stop.Token);
                }

                output.WriteLine($"Paused {paused.ElapsedMilliseconds} ms; the server dropped the subscriber: {topic.SubscriberCount == 0}.");
            }
        }

        await publishing;
        Assert.True(reconnects >= 1, "The reader was never disconnected: the test did not make it fall behind.");
        Assert.Equal(Enumerable.Range(0, Events).Select(static i => (long)i), received);
    }

    [Fact]
    public async Task CommandPublishingAnEventNoClientAccepts_Answers413_AndSubscribersAreUntouched()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider());
        var room = NewRoom();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var client = new ChatFeedClient(http);
        await using var subscription = await client.Room(room).ConnectAsync();
        await using var enumerator = subscription.GetAsyncEnumerator();

        using var big = new StringContent($"{{\"from\":\"p\",\"text\":\"{new string('x', 2 * 1024 * 1024)}\"}}", Encoding.UTF8, "application/json");
        using var refused = await http.PostAsync(new Uri($"/chat/rooms/{room}/messages", UriKind.Relative), big);
        var problem = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("MaxEventSize", problem, StringComparison.Ordinal);

        // Nothing was kept: the subscriber gets the next event, and a resume from before it replays only that.
        await client.Send(room, new ChatMessage("p", "small"));
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal("small", enumerator.Current.Text);
    }

    [Fact]
    public async Task LogUnavailable_SubscribeAndCommand_Answer503WithRetryAfter_ThenTheClientRecovers()
    {
        var logs = new TestLoggerProvider();
        await using var host = await TestServer.StartAsync(new StreamProbe(), logs, services: static services =>
            services.Replace(ServiceDescriptor.Singleton<ISseTopicLog>(static sp => new SseFaultyTopicLog(new InMemorySseTopicLog(sp.GetRequiredService<IOptions<SseHubOptions>>())))));
        var log = (SseFaultyTopicLog)host.Services.GetRequiredService<ISseTopicLog>();
        var room = NewRoom();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        log.FailReads = true;
        log.FailAppends = true;

        using var subscribe = await http.GetAsync(new Uri($"/chat/rooms/{room}", UriKind.Relative));
        using var command = await http.PostAsync(new Uri($"/chat/rooms/{room}/messages", UriKind.Relative), new StringContent("{\"from\":\"p\",\"text\":\"t\"}", Encoding.UTF8, "application/json"));
        foreach (var response in new[] { subscribe, command })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("topic log is unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(logs.Entries, static e => e.Level >= LogLevel.Error);
        Assert.Contains(logs.Entries, static e => e.Level == LogLevel.Warning && e.Message.Contains("topic log is unavailable", StringComparison.Ordinal));

        // A generated client subscribing during the outage keeps trying (honouring Retry-After), and gets what comes once it is back.
        var client = new ChatFeedClient(http, new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(10) });
        var connecting = client.Room(room).ConnectAsync();
        await Task.Delay(500);
        log.FailReads = false;
        log.FailAppends = false;
        await using var subscription = await connecting.WaitAsync(Timeout);
        await WaitUntilAsync(() => host.Services.GetRequiredService<SseHub>().GetSubscriberCount("rooms/" + room) == 1);
        await client.Send(room, new ChatMessage("p", "back"));
        await using var enumerator = subscription.GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal("back", enumerator.Current.Text);
    }

    [Fact]
    public async Task RefusedRequests_AreProblemResponses_LoggedAsWhatTheyAre()
    {
        var logs = new TestLoggerProvider();
        await using var host = await TestServer.StartAsync(new StreamProbe(), logs, services: static services =>
            services.Configure<KestrelServerOptions>(static o => o.Limits.MaxRequestBodySize = 4 * 1024));
        var room = NewRoom();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        // A body over Kestrel's limit: 413 with a problem body, not an empty one. (Sent in one piece, as the server
        // answers at once and closes: a client still sending then may lose the answer to the connection's reset.)
        var tooLarge = await SendRawAsync(host.BaseAddress, $"POST /chat/rooms/{room}/messages HTTP/1.1", "application/json", $"{{\"from\":\"p\",\"text\":\"{new string('x', 8 * 1024)}\"}}");
        Assert.StartsWith("HTTP/1.1 413 ", tooLarge, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", tooLarge, StringComparison.Ordinal);
        Assert.Contains("was refused: Request body too large", tooLarge, StringComparison.Ordinal);

        // Not JSON: 415 with a problem body.
        using var notJson = await http.PostAsync(new Uri($"/chat/rooms/{room}/messages", UriKind.Relative), new StringContent("hello", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType?.MediaType);
        Assert.Contains("must be JSON", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An id of this epoch past anything the topic has: a sentence that says so.
        var hub = host.Services.GetRequiredService<SseHub>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/chat/rooms/{room}");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", await hub.TopicLog.EpochAsync("rooms/" + room) + "-999999999");
        using var future = await http.SendAsync(request);
        Assert.Contains("past the newest event of this topic", await future.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.DoesNotContain(logs.Entries, static e => e.Level >= LogLevel.Error || e.Message.Contains("unhandled", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Sends one HTTP/1.1 request in one write and returns the raw response.</summary>
    private static async Task<string> SendRawAsync(Uri baseAddress, string requestLine, string contentType, string body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, baseAddress.Port);
        var stream = tcp.GetStream();
        var bytes = Encoding.UTF8.GetBytes(body);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: 127.0.0.1\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n").Concat(bytes).ToArray());
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var cts = new CancellationTokenSource(Timeout);
        return await reader.ReadToEndAsync(cts.Token);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Timeout, "The condition was never met.");
            await Task.Delay(10);
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// The reconnection rules, against scripted responses: what triggers a reconnect and what does not, the Last-Event-ID
/// sent, the delays (on a fake clock), and what the consumer sees.
/// </summary>
public class ReconnectTests
{
    private const string End = "event: sse-end\ndata:\n\n";

    /// <summary>No waiting between attempts unless a test says otherwise.</summary>
    private static SseClientOptions Options(Action<SseClientOptions>? configure = null)
    {
        var options = new SseClientOptions { InitialReconnectDelay = TimeSpan.Zero, IdleTimeout = Timeout.InfiniteTimeSpan };
        configure?.Invoke(options);
        return options;
    }

    private static IAsyncEnumerable<string> Read(ScriptedServer server, bool resumable, SseClientOptions options, string? lastEventId = null, HttpMethod? method = null, CancellationToken cancellationToken = default)
    {
        var request = new SseRequest("Test.Feed", method ?? HttpMethod.Get, "/feed", resumable) { LastEventId = lastEventId };
        if (method == HttpMethod.Post)
        {
            request.SetJsonBody("the prompt", RuntimeTestJson.Default.String);
        }

        return SseStreamReader.ReadAsync(server.Client(), request, RawFormat.Instance, options, cancellationToken);
    }

    private static async Task<List<string>> ReadAllAsync(IAsyncEnumerable<string> stream)
    {
        var items = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var item in stream.WithCancellation(cts.Token))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public async Task EndOfStreamWithoutEndEvent_Resumable_ReconnectsAfterTheLastDispatchedEvent()
    {
        // The first connection dies inside event 3's block: its id was read but the event never dispatched.
        var server = new ScriptedServer(
            Answer.Stream("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c"),
            Answer.Stream("id: 3\ndata: c\n\n" + End));

        var items = await ReadAllAsync(Read(server, resumable: true, Options()));

        Assert.Equal(["a", "b", "c"], items);
        Assert.Equal([null, "2"], server.Requests.Select(static r => r.LastEventId));
    }

    [Fact]
    public async Task EndEvent_EndsNormally_WithoutReconnecting()
    {
        var server = new ScriptedServer(Answer.Stream("data: a\n\n" + End + "data: after the end\n\n"));

        Assert.Equal(["a"], await ReadAllAsync(Read(server, resumable: true, Options())));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Status204OnReconnect_EndsNormally()
    {
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n", Ending.Reset), Answer.Code(HttpStatusCode.NoContent));

        Assert.Equal(["a"], await ReadAllAsync(Read(server, resumable: true, Options())));
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Gone)]
    public async Task Status4xxOnReconnect_StopsForGood(HttpStatusCode status)
    {
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n"), Answer.Code(status));
        var items = new List<string>();

        var ex = await Assert.ThrowsAsync<SseHttpException>(async () =>
        {
            await foreach (var item in Read(server, resumable: true, Options()))
            {
                items.Add(item);
            }
        });

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(["a"], items);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task RetryableStatus_Reconnects(HttpStatusCode status)
    {
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n"), Answer.Code(status), Answer.Stream("id: 2\ndata: b\n\n" + End));

        Assert.Equal(["a", "b"], await ReadAllAsync(Read(server, resumable: true, Options())));
        Assert.Equal([null, "1", "1"], server.Requests.Select(static r => r.LastEventId));
    }

    [Fact]
    public async Task RetryAfter_IsTheLeastDelay()
    {
        var time = new FakeTimeProvider();
        var delays = new ConcurrentQueue<TimeSpan>();
        var server = new ScriptedServer(Answer.Code(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(1)), Answer.Stream("data: a\n\n" + End));
        var options = Options(o =>
        {
            o.TimeProvider = time;
            o.InitialReconnectDelay = TimeSpan.FromMilliseconds(10);
            o.OnReconnecting = c => delays.Enqueue(c.Delay);
        });

        var reading = ReadAllAsync(Read(server, resumable: true, options));
        await WaitUntilAsync(() => !delays.IsEmpty);
        await Task.Delay(50); // the delay's timer is registered right after the callback
        time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.False(reading.IsCompleted, "The client reconnected before the server's Retry-After.");

        // At least the Retry-After, with a jitter of up to the reconnection time above it.
        var delay = Assert.Single(delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1010));
        time.Advance(delay - TimeSpan.FromMilliseconds(999));

        Assert.Equal(["a"], await reading);
    }

    [Fact]
    public async Task CallerCancellationDuringBackoff_EndsAtOnce()
    {
        using var cts = new CancellationTokenSource();
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n"));
        var options = Options(o =>
        {
            o.InitialReconnectDelay = TimeSpan.FromHours(1);
            o.MaxReconnectDelay = TimeSpan.FromHours(1);
            o.OnReconnecting = c => Assert.True(c.Delay >= TimeSpan.Zero);
        });
        var reading = ReadAllAsync(Read(server, resumable: true, options, cancellationToken: cts.Token));
        await WaitUntilAsync(() => server.Requests.Count == 1);
        await Task.Delay(100);

        await cts.CancelAsync();

        // The backoff is an hour: a read that did not end with the cancellation would meet the wait's timeout instead.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(Ending.Eof, SseDisconnectReason.EndOfStream)]
    [InlineData(Ending.Reset, SseDisconnectReason.ConnectionError)]
    public async Task NonResumableDrop_FailsWithConnectionLost_NeverRestartsSilently(Ending ending, SseDisconnectReason reason)
    {
        var server = new ScriptedServer(Answer.Stream("id: 7\ndata: a\n\ndata: b\n\n", ending), Answer.Stream("data: again\n\n" + End));
        var items = new List<string>();

        var ex = await Assert.ThrowsAsync<SseConnectionLostException>(async () =>
        {
            await foreach (var item in Read(server, resumable: false, Options()))
            {
                items.Add(item);
            }
        });

        Assert.Equal(["a", "b"], items);
        Assert.Equal(reason, ex.Reason);
        Assert.Equal(2, ex.EventCount);
        Assert.Equal("7", ex.LastEventId);
        Assert.Equal("Test.Feed", ex.StreamName);
        Assert.Equal(0, ex.Attempts);
        Assert.Contains("RestartNonResumableStreams", ex.Message, StringComparison.Ordinal);
        if (ending == Ending.Reset)
        {
            Assert.IsType<System.IO.IOException>(ex.InnerException);
        }

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task NonResumable_RestartOptIn_StartsOverWithoutLastEventId()
    {
        var server = new ScriptedServer(Answer.Stream("id: 7\ndata: a\n\n"), Answer.Stream("id: 1\ndata: again\n\n" + End));

        var items = await ReadAllAsync(Read(server, resumable: false, Options(static o => o.RestartNonResumableStreams = true)));

        Assert.Equal(["a", "again"], items);
        Assert.Equal([null, "7"], server.Requests.Select(static r => r.LastEventId));
    }

    [Fact]
    public async Task ReconnectOff_ResumableDropFailsWithConnectionLost()
    {
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n"));

        var ex = await Assert.ThrowsAsync<SseConnectionLostException>(() => ReadAllAsync(Read(server, resumable: true, Options(static o => o.Reconnect = false))));

        Assert.Contains("SseClientOptions.Reconnect", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectFailures_UpToMaxAttempts_ThenConnectionLost()
    {
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n"), Answer.Refused, Answer.Refused, Answer.Refused, Answer.Stream(End));

        var ex = await Assert.ThrowsAsync<SseConnectionLostException>(() => ReadAllAsync(Read(server, resumable: true, Options(static o => o.MaxReconnectAttempts = 3))));

        Assert.Equal(SseDisconnectReason.ConnectFailed, ex.Reason);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(1, ex.EventCount);
        Assert.Equal("1", ex.LastEventId);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task AttemptCount_StartsAgainOnceAReconnectedStreamDelivers()
    {
        var attempts = new ConcurrentQueue<int>();
        var server = new ScriptedServer(
            Answer.Stream("id: 1\ndata: a\n\n"),
            Answer.Refused,
            Answer.Stream("id: 2\ndata: b\n\n"),
            Answer.Refused,
            Answer.Stream("id: 3\ndata: c\n\n" + End));

        var items = await ReadAllAsync(Read(server, resumable: true, Options(o =>
        {
            o.MaxReconnectAttempts = 2;
            o.OnReconnecting = c => attempts.Enqueue(c.Attempt);
        })));

        Assert.Equal(["a", "b", "c"], items);
        Assert.Equal([1, 2, 1, 2], attempts);
    }

    [Fact]
    public async Task CallersLastEventId_IsForTheFirstRequestOnly()
    {
        var server = new ScriptedServer(Answer.Stream("id: 11\ndata: a\n\n"), Answer.Stream("id: 12\ndata: b\n\n" + End));

        Assert.Equal(["a", "b"], await ReadAllAsync(Read(server, resumable: true, Options(), lastEventId: "10")));
        Assert.Equal(["10", "11"], server.Requests.Select(static r => r.LastEventId));
    }

    [Fact]
    public async Task ServerResetsTheId_NoLastEventIdOnReconnect()
    {
        // Spec: an empty id field resets the last event ID buffer.
        var server = new ScriptedServer(Answer.Stream("id: 5\ndata: a\n\nid:\ndata: b\n\n"), Answer.Stream(End));

        Assert.Equal(["a", "b"], await ReadAllAsync(Read(server, resumable: true, Options())));
        Assert.Equal([null, null], server.Requests.Select(static r => r.LastEventId));
    }

    [Fact]
    public async Task ResumablePost_ReplaysTheSameBody()
    {
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n", Ending.Reset), Answer.Stream("id: 2\ndata: b\n\n" + End));

        Assert.Equal(["a", "b"], await ReadAllAsync(Read(server, resumable: true, Options(), method: HttpMethod.Post)));
        Assert.Equal(["\"the prompt\"", "\"the prompt\""], server.Requests.Select(static r => r.Body));
        Assert.All(server.Requests, static r => Assert.Equal(HttpMethod.Post, r.Method));
    }

    [Fact]
    public async Task ResetEvent_FailsWithResumeRejected()
    {
        var server = new ScriptedServer(Answer.Stream("event: sse-reset\ndata: {\"title\":\"Cannot resume\",\"detail\":\"too old\",\"lastEventId\":\"3\"}\n\n"));

        var ex = await Assert.ThrowsAsync<SseResumeRejectedException>(() => ReadAllAsync(Read(server, resumable: true, Options(), lastEventId: "3")));

        Assert.Equal("3", ex.LastEventId);
        Assert.Equal("too old", ex.Reason);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task IdleTimeout_OnAFakeClock_Reconnects()
    {
        var time = new FakeTimeProvider();
        var reasons = new ConcurrentQueue<SseDisconnectReason>();
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n", Ending.Hang), Answer.Stream("id: 2\ndata: b\n\n" + End));
        var options = Options(o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = TimeSpan.FromSeconds(10);
            o.OnDisconnected = c => reasons.Enqueue(c.Reason);
        });

        await using var enumerator = Read(server, resumable: true, options).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal("a", enumerator.Current);

        // The connection now hangs; every byte so far was read before the clock moves.
        var next = enumerator.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(100);
        Assert.False(next.IsCompleted);
        Assert.Single(server.Requests);
        time.Advance(TimeSpan.FromSeconds(4)); // past the timeout and the next quarter-timeout check

        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("b", enumerator.Current);
        Assert.False(await enumerator.MoveNextAsync());
        Assert.Equal([SseDisconnectReason.IdleTimeout], reasons);
    }

    [Fact]
    public async Task EveryTransition_IsReportedToCallbacksAndMetrics()
    {
        var log = new ConcurrentQueue<string>();
        var reconnects = 0L;

        // This stream's own meters: other tests in the process report reconnects of streams with the same name.
        using var meters = new TestMeterFactory();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Sse.Runtime" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "sse.client.reconnects" && tags.ToArray().Any(static t => t.Key == "sse.stream" && (string?)t.Value == "Test.Feed"))
            {
                Interlocked.Add(ref reconnects, value);
            }
        });
        listener.Start();
        var server = new ScriptedServer(Answer.Stream("id: 1\ndata: a\n\n", Ending.Reset), Answer.Code(HttpStatusCode.BadGateway), Answer.Stream("id: 2\ndata: b\n\n" + End));

        await ReadAllAsync(Read(server, resumable: true, Options(o =>
        {
            o.MeterFactory = meters;
            o.OnConnected = c => log.Enqueue($"connected {(int)c.StatusCode} HTTP/{c.HttpVersion} attempt {c.Attempt} id {c.LastEventId}");
            o.OnDisconnected = c => log.Enqueue($"disconnected {c.Reason} after {c.EventCount} id {c.LastEventId} reconnect {c.WillReconnect}");
            o.OnReconnecting = c => log.Enqueue($"reconnecting attempt {c.Attempt} id {c.LastEventId}");
        })));

        Assert.Equal(
            [
                "connected 200 HTTP/1.1 attempt 0 id ",
                "disconnected ConnectionError after 1 id 1 reconnect True",
                "reconnecting attempt 1 id 1",
                "disconnected RetryableStatus after 1 id 1 reconnect True",
                "reconnecting attempt 2 id 1",
                "connected 200 HTTP/1.1 attempt 2 id 1",
            ],
            log);
        Assert.Equal(2, Interlocked.Read(ref reconnects));
    }

    [Fact]
    public async Task ConnectAsync_CompletesWhenTheResponseArrived_BeforeAnyItem()
    {
        var server = new ScriptedServer(Answer.Stream("data: a\n\n" + End));
        var stream = Read(server, resumable: false, Options());

        await using var subscription = await stream.ConnectAsync();

        Assert.Single(server.Requests);
        var items = new List<string>();
        await foreach (var item in subscription)
        {
            items.Add(item);
        }

        Assert.Equal(["a"], items);
        Assert.Throws<InvalidOperationException>(() => subscription.GetAsyncEnumerator());
    }

    [Fact]
    public void Backoff_NeverSoonerThanTheReconnectionTime_JitterAboveIt_UnderADoublingCap()
    {
        var options = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(1000) };
        var ceilings = new[] { 200, 400, 800, 1000, 1000, 1000 };
        for (var seed = 0; seed < 50; seed++)
        {
            var random = new Random(seed);
            var policy = new SseReconnectPolicy(options, random.NextDouble);
            foreach (var ceiling in ceilings)
            {
                Assert.InRange(policy.NextDelay(retryAfter: null), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(ceiling));
            }
        }

        // The jitter spreads clients over the whole range above the floor, not bunched at either end.
        var spread = Enumerable.Range(0, 200).Select(seed => new SseReconnectPolicy(options, new Random(seed).NextDouble).NextDelay(null).TotalMilliseconds).ToList();
        Assert.True(spread.Min() < 110 && spread.Max() > 190, $"min {spread.Min()} max {spread.Max()}");
    }

    [Fact]
    public void Backoff_ServerRetryReplacesTheInitialDelay_RetryAfterIsAFloor_WithJitterAboveIt()
    {
        var options = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromSeconds(10), MaxReconnectDelay = TimeSpan.FromSeconds(60) };
        var policy = new SseReconnectPolicy(options, new Random(1).NextDouble) { ServerRetry = TimeSpan.FromMilliseconds(50) };

        Assert.InRange(policy.NextDelay(null), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
        Assert.InRange(policy.NextDelay(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.05));
        policy.Reset();
        Assert.Equal(0, policy.Attempts);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The condition was never met.");
            await Task.Delay(10);
        }
    }

    /// <summary>Meters of their own (scoped to this factory), as an application's DI container gives them.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Tests;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// A subscriber that falls behind is let go however its writer is caught: waiting in a flush, or about to begin one
/// when the drop comes (over HTTP/2 that is most of the time: without the fix, the stalled stream below stayed in two
/// runs of three). Kestrel's own flushes share the connection's pipe, so a cancel sent while none of ours waits
/// can be taken by one of them (as the stalling pipe here does): the writer must then not wait for a client that has
/// stopped reading.
/// </summary>
public sealed class FellBehindTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FallingBehindJustBeforeAFlushBegins_StillEndsTheResponse_AndTheClientResumesWithNothingLost()
    {
        var pipes = new ConcurrentQueue<StallingPipe>();
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), middleware: app => app.Use(next => context =>
        {
            if (context.Request.Path.StartsWithSegments("/chat/rooms", StringComparison.Ordinal))
            {
                var body = context.Features.Get<IHttpResponseBodyFeature>()!;
                var pipe = new StallingPipe(body.Writer);
                pipes.Enqueue(pipe);
                context.Features.Set<IHttpResponseBodyFeature>(new StallingBodyFeature(body, pipe));
            }

            return next(context);
        }));
        var room = "room-" + Guid.NewGuid().ToString("N")[..8];
        var topic = host.Services.GetRequiredService<ChatFeedPublisher>().Room(room);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var reconnects = 0;
        var client = new ChatFeedClient(http, new SseClientOptions { OnReconnecting = _ => Interlocked.Increment(ref reconnects), InitialReconnectDelay = TimeSpan.FromMilliseconds(10), IdleTimeout = System.Threading.Timeout.InfiniteTimeSpan });
        await using var subscription = await client.Room(room).ConnectAsync();
        await using var enumerator = subscription.GetAsyncEnumerator();
        var received = new List<long>();
        await topic.PublishAsync(new ChatMessage("0", "first"));
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout));
        received.Add(long.Parse(enumerator.Current.From, CultureInfo.InvariantCulture));

        // Like a browser's EventSource, the client waits as long as it takes (no idle timeout): only the server can end it.
        // The next flush: just before it begins, 1,001 events overflow the subscriber's queue (1,000 by default), and
        // the drop's cancel reaches the pipe while no flush of ours waits. From then on the client reads nothing.
        Assert.True(pipes.TryPeek(out var first));
        first.BeforeNextFlush = () =>
        {
            var overflow = Task.Run(async () =>
            {
                for (var i = 2; i <= 1_002; i++)
                {
                    await topic.PublishAsync(new ChatMessage(i.ToString(CultureInfo.InvariantCulture), "x"));
                }
            });
            Assert.True(first.CancelLost.Wait(Timeout), "The subscriber never fell behind.");
            overflow.Wait(Timeout);
        };
        await topic.PublishAsync(new ChatMessage("1", "x"));

        try
        {
            while (received.Count < 1_003 && await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout))
            {
                received.Add(long.Parse(enumerator.Current.From, CultureInfo.InvariantCulture));
            }
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The stream stalled after {received.Count} events: the server never let go of the subscriber that fell behind.");
        }

        Assert.True(first.Stalled, "The writer never flushed after the drop: the test did not reach the race.");
        Assert.True(reconnects >= 1, "The client was never disconnected.");
        Assert.Equal(Enumerable.Range(0, 1_003).Select(static i => (long)i), received);
    }

    [Fact]
    public async Task OverHttp2_AStalledStreamIsDropped_WhileAnotherOnTheSameConnectionFlows_AndBothGetEverything()
    {
        // Two tabs' streams on one HTTP/2 connection (as behind a proxy, or a browser over TLS): one stops reading.
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), http2: true);
        var room = "room-" + Guid.NewGuid().ToString("N")[..8];
        var topic = host.Services.GetRequiredService<ChatFeedPublisher>().Room(room);
        using var http = new HttpClient { BaseAddress = host.Http2Address, DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var reconnects = 0;
        var client = new ChatFeedClient(http, new SseClientOptions { OnReconnecting = _ => Interlocked.Increment(ref reconnects), InitialReconnectDelay = TimeSpan.FromMilliseconds(10) });
        await using var stalled = await client.Room(room).ConnectAsync();
        await using var flowing = await client.Room(room).ConnectAsync();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (topic.SubscriberCount < 2)
        {
            Assert.True(deadline.Elapsed < Timeout, "The two streams never subscribed.");
            await Task.Delay(10);
        }

        // 4,000 events of 1 KB: the stalled stream's HTTP/2 window and its queue (1,000 events) overflow.
        const int Events = 4_000;
        var text = new string('x', 1_000);
        using var stop = new CancellationTokenSource(Timeout * 2);
        var flowingReceived = new List<long>();
        var reading = Task.Run(async () =>
        {
            await using var enumerator = flowing.GetAsyncEnumerator(stop.Token);
            while (flowingReceived.Count < Events && await enumerator.MoveNextAsync())
            {
                flowingReceived.Add(long.Parse(enumerator.Current.From, CultureInfo.InvariantCulture));
            }
        });

        await using var stalledReader = stalled.GetAsyncEnumerator(stop.Token);
        var stalledReceived = new List<long>();
        for (var i = 0; i < Events; i++)
        {
            await topic.PublishAsync(new ChatMessage(i.ToString(CultureInfo.InvariantCulture), text), stop.Token);
            if (i % 100 == 99)
            {
                await Task.Delay(5, stop.Token); // the flowing reader keeps up
            }
        }

        await reading.WaitAsync(Timeout);
        Assert.True(reconnects >= 1 || topic.SubscriberCount < 2, "The stalled stream is still subscribed after 4,000 events it did not read (its queue holds 1,000): it was never let go.");

        // The stalled tab reads again: what reached it, then a resume from its last event, with nothing lost or repeated.
        while (stalledReceived.Count < Events && await stalledReader.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            stalledReceived.Add(long.Parse(stalledReader.Current.From, CultureInfo.InvariantCulture));
        }

        Assert.Equal(Enumerable.Range(0, Events).Select(static i => (long)i), flowingReceived);
        Assert.Equal(Enumerable.Range(0, Events).Select(static i => (long)i), stalledReceived);
        Assert.True(reconnects >= 1, "The stalled stream resumed without a reconnect: it was never dropped.");
    }

    /// <summary>
    /// The response pipe of a client that stops reading once <see cref="BeforeNextFlush"/> ran: flushes then wait
    /// until canceled, and a cancel sent while no flush waits is lost (taken, as it may be, by a flush of Kestrel's own).
    /// </summary>
    private sealed class StallingPipe(PipeWriter inner) : PipeWriter
    {
        private readonly object _gate = new();
        private TaskCompletionSource<FlushResult>? _waiting;
        private Action? _beforeNextFlush;
        private bool _stalling;

        public Action? BeforeNextFlush { set => _beforeNextFlush = value; }

        public ManualResetEventSlim CancelLost { get; } = new();

        public bool Stalled { get; private set; }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush()
        {
            lock (_gate)
            {
                if (_waiting is null)
                {
                    if (_stalling || Volatile.Read(ref _beforeNextFlush) is not null)
                    {
                        CancelLost.Set();
                    }

                    return;
                }

                _waiting.TrySetResult(new FlushResult(isCanceled: true, isCompleted: false));
                _waiting = null;
            }
        }

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _beforeNextFlush, null) is { } before)
            {
                _stalling = true;
                before();
            }

            if (!_stalling)
            {
                return inner.FlushAsync(cancellationToken);
            }

            lock (_gate)
            {
                Stalled = true;
                _waiting = new TaskCompletionSource<FlushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                var waiting = _waiting;
                cancellationToken.Register(() => waiting.TrySetCanceled(cancellationToken));
                return new ValueTask<FlushResult>(waiting.Task);
            }
        }
    }

    private sealed class StallingBodyFeature(IHttpResponseBodyFeature inner, PipeWriter writer) : IHttpResponseBodyFeature
    {
        public Stream Stream => inner.Stream;

        public PipeWriter Writer => writer;

        public Task CompleteAsync() => inner.CompleteAsync();

        public void DisableBuffering() => inner.DisableBuffering();

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            inner.SendFileAsync(path, offset, count, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    }
}

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Testing;

/// <summary>
/// A topic log in front of another that plays the faults a server meets with its backplane: wake-ups held back (a
/// paused process, a listener cut off from its database: the hub hears nothing while others keep publishing), reads
/// that are slow, and reads or appends that fail as an unreachable database's do
/// (<see cref="SseTopicLogUnavailableException"/>: the endpoints answer 503 with Retry-After). Register it in place of
/// the log: <c>services.Replace(ServiceDescriptor.Singleton&lt;ISseTopicLog&gt;(sp =&gt; new SseFaultyTopicLog(new InMemorySseTopicLog(...))))</c>.
/// </summary>
/// <param name="inner">The log that keeps the events.</param>
public sealed class SseFaultyTopicLog(ISseTopicLog inner) : ISseTopicLog
{
    private readonly object _gate = new();
    private readonly List<Watcher> _watchers = [];
    private bool _holding;
    private int _reads;

    /// <summary>Gets the log that keeps the events.</summary>
    public ISseTopicLog Inner => inner;

    /// <summary>Gets or sets how long each read (of events or of a head) waits first (a slow database).</summary>
    public TimeSpan ReadDelay { get; set; }

    /// <summary>Gets or sets whether reads fail as if the database were down.</summary>
    public bool FailReads { get; set; }

    /// <summary>Gets or sets whether appends fail as if the database were down.</summary>
    public bool FailAppends { get; set; }

    /// <summary>Gets how many reads (of events or of a head) were made.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Holds every wake-up from now on (the newest per watcher is kept) until <see cref="ReleaseWakeUps"/>.</summary>
    public void HoldWakeUps()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    /// <summary>Stops holding, and hands each watcher the newest position it was not told.</summary>
    public void ReleaseWakeUps()
    {
        List<(Action<SseTopicPosition> Callback, SseTopicPosition Position)> due = [];
        lock (_gate)
        {
            _holding = false;
            foreach (var watcher in _watchers)
            {
                if (watcher.Held is { } held)
                {
                    due.Add((watcher.Callback, held));
                    watcher.Held = null;
                }
            }
        }

        foreach (var (callback, position) in due)
        {
            callback(position);
        }
    }

    /// <summary>Makes appends and reads fail for <paramref name="duration"/> (an outage), then work again.</summary>
    /// <param name="duration">How long.</param>
    /// <returns>A task that completes when the outage is over.</returns>
    public async Task OutageAsync(TimeSpan duration)
    {
        (FailAppends, FailReads) = (true, true);
        try
        {
            await Task.Delay(duration).ConfigureAwait(false);
        }
        finally
        {
            (FailAppends, FailReads) = (false, false);
        }
    }

    /// <inheritdoc />
    public ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, CancellationToken cancellationToken) =>
        FailAppends ? throw Unavailable() : inner.AppendAsync(topic, content, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken)
    {
        await BeforeReadAsync(cancellationToken).ConfigureAwait(false);
        return await inner.GetHeadAsync(topic, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        await BeforeReadAsync(cancellationToken).ConfigureAwait(false);
        return await inner.ReadAsync(topic, afterPosition, maxCount, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask BeforeReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        if (ReadDelay > TimeSpan.Zero)
        {
            await Task.Delay(ReadDelay, cancellationToken).ConfigureAwait(false);
        }

        if (FailReads)
        {
            throw Unavailable();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<SseTopicPosition> onAppended, CancellationToken cancellationToken)
    {
        var watcher = new Watcher(onAppended);
        lock (_gate)
        {
            _watchers.Add(watcher);
        }

        var innerWatch = await inner.WatchAsync(topic, position =>
        {
            lock (_gate)
            {
                if (_holding)
                {
                    watcher.Held = watcher.Held is { } held && held.Epoch == position.Epoch && held.Position > position.Position ? held : position;
                    return;
                }
            }

            onAppended(position);
        }, cancellationToken).ConfigureAwait(false);
        return new Unwatch(this, watcher, innerWatch);
    }

    private static SseTopicLogUnavailableException Unavailable() =>
        new("The test's topic log is down (SseFaultyTopicLog).", new System.IO.IOException("connection refused"), TimeSpan.FromSeconds(2));

    private sealed class Watcher(Action<SseTopicPosition> callback)
    {
        public Action<SseTopicPosition> Callback { get; } = callback;

        public SseTopicPosition? Held { get; set; }
    }

    private sealed class Unwatch(SseFaultyTopicLog log, Watcher watcher, IAsyncDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (log._gate)
            {
                log._watchers.Remove(watcher);
            }

            return inner.DisposeAsync();
        }
    }
}

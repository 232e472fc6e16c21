using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Tests;

/// <summary>
/// A topic log in front of another that plays the faults a server meets: wake-ups held back (a paused process, a
/// listener cut off from its database: the hub hears nothing while others keep publishing), and reads or appends that
/// fail as an unreachable database's do (<see cref="SseTopicLogUnavailableException"/>).
/// </summary>
internal sealed class FaultyTopicLog(ISseTopicLog inner) : ISseTopicLog
{
    private readonly object _gate = new();
    private readonly List<Watcher> _watchers = [];
    private bool _holding;
    private int _reads;

    public ISseTopicLog Inner => inner;

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

    public ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, CancellationToken cancellationToken) =>
        FailAppends ? throw Unavailable() : inner.AppendAsync(topic, content, cancellationToken);

    public ValueTask<SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return FailReads ? throw Unavailable() : inner.GetHeadAsync(topic, cancellationToken);
    }

    public ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return FailReads ? throw Unavailable() : inner.ReadAsync(topic, afterPosition, maxCount, cancellationToken);
    }

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
        new("The test's topic log is down.", new System.IO.IOException("connection refused"), TimeSpan.FromSeconds(2));

    private sealed class Watcher(Action<SseTopicPosition> callback)
    {
        public Action<SseTopicPosition> Callback { get; } = callback;

        public SseTopicPosition? Held { get; set; }
    }

    private sealed class Unwatch(FaultyTopicLog log, Watcher watcher, IAsyncDisposable inner) : IAsyncDisposable
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

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore;

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

    public ISseTopicLog Inner => inner;

    public string Epoch => inner.Epoch;

    /// <summary>Gets or sets whether reads fail as if the database were down.</summary>
    public bool FailReads { get; set; }

    /// <summary>Gets or sets whether appends fail as if the database were down.</summary>
    public bool FailAppends { get; set; }

    /// <summary>Gets how many reads were made.</summary>
    public int Reads => Volatile.Read(ref _reads);

    private int _reads;

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
        List<(Action<long> Callback, long Position)> due = [];
        lock (_gate)
        {
            _holding = false;
            foreach (var watcher in _watchers)
            {
                if (watcher.Held > 0)
                {
                    due.Add((watcher.Callback, watcher.Held));
                    watcher.Held = 0;
                }
            }
        }

        foreach (var (callback, position) in due)
        {
            callback(position);
        }
    }

    public ValueTask<long> AppendAsync(string topic, string? eventType, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        FailAppends ? throw Unavailable() : inner.AppendAsync(topic, eventType, data, cancellationToken);

    public ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return FailReads ? throw Unavailable() : inner.ReadAsync(topic, afterPosition, maxCount, cancellationToken);
    }

    public IDisposable Watch(string topic, Action<long> onAppended)
    {
        var watcher = new Watcher(onAppended);
        lock (_gate)
        {
            _watchers.Add(watcher);
        }

        var inner1 = inner.Watch(topic, position =>
        {
            lock (_gate)
            {
                if (_holding)
                {
                    watcher.Held = Math.Max(watcher.Held, position);
                    return;
                }
            }

            onAppended(position);
        });
        return new Unwatch(this, watcher, inner1);
    }

    private static SseTopicLogUnavailableException Unavailable() =>
        new("The test's topic log is down.", new System.IO.IOException("connection refused"), TimeSpan.FromSeconds(2));

    private sealed class Watcher(Action<long> callback)
    {
        public Action<long> Callback { get; } = callback;

        public long Held { get; set; }
    }

    private sealed class Unwatch(FaultyTopicLog log, Watcher watcher, IDisposable inner) : IDisposable
    {
        public void Dispose()
        {
            lock (log._gate)
            {
                log._watchers.Remove(watcher);
            }

            inner.Dispose();
        }
    }
}

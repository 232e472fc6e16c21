using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.AspNetCore.TopicLogs;

/// <summary>
/// The watcher bookkeeping every <see cref="ISseTopicLog"/> needs, written once: the callbacks of each watched topic (a
/// copy-on-write list, so telling them takes no lock), with a hook when a topic gets its first watcher (subscribe to the
/// engine's notifications) and when its last one leaves (unsubscribe). A topic's stop finishes before it can start again,
/// so an unsubscribe never overtakes the subscribe that follows it.
/// </summary>
public sealed class SseTopicWatchers
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<string, CancellationToken, ValueTask>? _onFirstWatcher;
    private readonly Func<string, ValueTask>? _onLastWatcherLeft;

    /// <summary>Creates the bookkeeping.</summary>
    /// <param name="onFirstWatcher">
    /// Called when a topic gets its first watcher, before <see cref="AddAsync"/> returns (for example: subscribe to the
    /// topic's channel). When it throws, the watch fails and the next one tries again.
    /// </param>
    /// <param name="onLastWatcherLeft">Called when the last watcher of a topic left (for example: unsubscribe).</param>
    public SseTopicWatchers(Func<string, CancellationToken, ValueTask>? onFirstWatcher = null, Func<string, ValueTask>? onLastWatcherLeft = null)
    {
        _onFirstWatcher = onFirstWatcher;
        _onLastWatcherLeft = onLastWatcherLeft;
    }

    /// <summary>Gets the number of topics watched.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets the topics watched now.</summary>
    /// <returns>Their names.</returns>
    public string[] GetTopics()
    {
        var topics = new List<string>(_entries.Count);
        foreach (var (topic, entry) in _entries)
        {
            if (entry.IsLive)
            {
                topics.Add(topic);
            }
        }

        return [.. topics];
    }

    /// <summary>Gets whether a topic has a watcher.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <returns><see langword="true"/> when it has one.</returns>
    public bool IsWatched(string topic) => _entries.TryGetValue(topic, out var entry) && entry.IsLive;

    /// <summary>Adds a watcher of a topic; the first one of a topic runs the first-watcher hook.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="onAppended">What to tell.</param>
    /// <param name="cancellationToken">Cancels waiting for the first-watcher hook.</param>
    /// <returns>Removes the watcher when disposed (safe to dispose more than once).</returns>
    public async ValueTask<IAsyncDisposable> AddAsync(string topic, Action<SseTopicPosition> onAppended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(onAppended);
        while (true)
        {
            var entry = _entries.GetOrAdd(topic, static _ => new Entry());
            Task? stopping = null;
            Task started;
            lock (entry)
            {
                if (entry.Stopped is { } stopped)
                {
                    stopping = stopped.Task;
                    started = Task.CompletedTask;
                }
                else
                {
                    entry.Callbacks = [.. entry.Callbacks, onAppended];
                    if (entry.Started is null || entry.Started.IsFaulted || entry.Started.IsCanceled)
                    {
                        entry.Started = _onFirstWatcher is null ? Task.CompletedTask : _onFirstWatcher(topic, CancellationToken.None).AsTask();
                    }

                    started = entry.Started;
                }
            }

            if (stopping is not null)
            {
                // The topic's last watcher is leaving: once its stop is done, start afresh.
                await stopping.ConfigureAwait(false);
                continue;
            }

            var registration = new Registration(this, topic, entry, onAppended);
            try
            {
                await started.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await registration.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return registration;
        }
    }

    /// <summary>Tells the watchers of a topic its newest epoch and position (nothing when it has none).</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="position">The newest epoch and position known.</param>
    public void Notify(string topic, SseTopicPosition position)
    {
        if (_entries.TryGetValue(topic, out var entry))
        {
            foreach (var callback in Volatile.Read(ref entry.Callbacks))
            {
                callback(position);
            }
        }
    }

    private async ValueTask RemoveAsync(string topic, Entry entry, Action<SseTopicPosition> onAppended)
    {
        TaskCompletionSource stopped;
        Task? started;
        lock (entry)
        {
            var index = Array.IndexOf(entry.Callbacks, onAppended);
            if (index < 0)
            {
                return;
            }

            var callbacks = entry.Callbacks;
            var copy = new Action<SseTopicPosition>[callbacks.Length - 1];
            Array.Copy(callbacks, 0, copy, 0, index);
            Array.Copy(callbacks, index + 1, copy, index, callbacks.Length - index - 1);
            Volatile.Write(ref entry.Callbacks, copy);
            if (copy.Length > 0)
            {
                return;
            }

            stopped = entry.Stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            started = entry.Started;
        }

        try
        {
            // Only a topic whose start succeeded has anything to stop.
            if (_onLastWatcherLeft is not null && started is not null)
            {
                try
                {
                    await started.ConfigureAwait(false);
                }
                catch
                {
                    started = null;
                }

                if (started is not null)
                {
                    await _onLastWatcherLeft(topic).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(topic, entry));
            stopped.TrySetResult();
        }
    }

    private sealed class Entry
    {
        public Action<SseTopicPosition>[] Callbacks = [];
        public Task? Started;
        public TaskCompletionSource? Stopped;

        public bool IsLive => Volatile.Read(ref Callbacks).Length > 0 && Volatile.Read(ref Stopped) is null;
    }

    private sealed class Registration(SseTopicWatchers owner, string topic, Entry entry, Action<SseTopicPosition> onAppended) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) != 0 ? default : owner.RemoveAsync(topic, entry, onAppended);
    }
}

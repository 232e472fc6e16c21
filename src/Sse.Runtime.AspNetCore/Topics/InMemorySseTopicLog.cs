using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The default <see cref="ISseTopicLog"/>: each topic keeps its most recent events in memory, up to
/// <see cref="SseHubOptions.ReplayCount"/> events and <see cref="SseHubOptions.ReplayAge"/> of age, for subscribers that
/// resume. Its epoch is new with every process, so ids from before a restart are recognised as not resumable. Watchers
/// are told synchronously, on the publisher's thread, right after the append.
/// </summary>
/// <remarks>
/// Positions come from one counter for the whole log, so within a topic they strictly increase (with gaps), and a topic
/// that was forgotten (no events kept, no subscribers) and comes back never reuses one: an id from its earlier life is
/// recognised as too old rather than confused with a new event.
/// </remarks>
public sealed class InMemorySseTopicLog : ISseTopicLog
{
    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly SseHubOptions _options;
    private readonly TimeProvider _timeProvider;
    private long _sequence;

    /// <summary>The highest position of any topic forgotten so far: a topic created afresh knows nothing after it.</summary>
    private long _forgottenUpTo;

    /// <summary>Creates the log.</summary>
    /// <param name="options">The retention limits.</param>
    /// <param name="timeProvider">The clock of the age limit, or <see langword="null"/> for the system's.</param>
    public InMemorySseTopicLog(IOptions<SseHubOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Epoch = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant();
    }

    /// <inheritdoc />
    public string Epoch { get; }

    /// <summary>Gets the number of topics the log holds (with events kept or watchers).</summary>
    public int TopicCount => _topics.Count;

    /// <inheritdoc />
    public ValueTask<long> AppendAsync(string topic, string? eventType, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        while (true)
        {
            var state = GetOrAddTopic(topic);
            Action<long>[] watchers;
            long position;
            lock (state)
            {
                if (state.Removed)
                {
                    continue;
                }

                position = state.Head = Interlocked.Increment(ref _sequence);
                var now = _timeProvider.GetUtcNow();
                state.Events.Enqueue(new SseTopicEvent(position, eventType, data, now));
                Trim(state, now);
                watchers = state.Watchers;
            }

            // Visible to readers before anyone is told.
            foreach (var watcher in watchers)
            {
                watcher(position);
            }

            return new ValueTask<long>(position);
        }
    }

    /// <inheritdoc />
    public ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_topics.TryGetValue(topic, out var state))
        {
            var forgotten = Volatile.Read(ref _forgottenUpTo);
            return new ValueTask<SseTopicRead>(new SseTopicRead([], forgotten, IsTruncated: afterPosition != 0 && afterPosition != forgotten));
        }

        lock (state)
        {
            Trim(state, _timeProvider.GetUtcNow());

            // Events after the position were discarded, or the position is not one this topic reached (another
            // incarnation, a forged id): either way a subscriber resuming from it would miss events.
            var truncated = afterPosition < state.EvictedUpTo || afterPosition > state.Head;
            var events = new List<SseTopicEvent>(Math.Min(maxCount, state.Events.Count));
            if (maxCount > 0)
            {
                foreach (var topicEvent in state.Events)
                {
                    if (topicEvent.Position > afterPosition)
                    {
                        events.Add(topicEvent);
                        if (events.Count == maxCount)
                        {
                            break;
                        }
                    }
                }
            }

            return new ValueTask<SseTopicRead>(new SseTopicRead(events, state.Head, truncated));
        }
    }

    /// <inheritdoc />
    public IDisposable Watch(string topic, Action<long> onAppended)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(onAppended);
        while (true)
        {
            var state = GetOrAddTopic(topic);
            lock (state)
            {
                if (state.Removed)
                {
                    continue;
                }

                state.Watchers = [.. state.Watchers, onAppended];
            }

            return new Watcher(this, topic, state, onAppended);
        }
    }

    /// <summary>Removes events past the retention limits, and the topic itself once it has neither events nor watchers.</summary>
    internal void Sweep()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var (name, state) in _topics)
        {
            lock (state)
            {
                Trim(state, now);
                RemoveIfIdle(name, state);
            }
        }
    }

    private Topic GetOrAddTopic(string topic) =>
        _topics.GetOrAdd(topic, static (_, log) =>
        {
            var forgotten = Volatile.Read(ref log._forgottenUpTo);
            return new Topic { Head = forgotten, EvictedUpTo = forgotten };
        }, this);

    private void Trim(Topic state, DateTimeOffset now)
    {
        while (state.Events.Count > 0
            && (state.Events.Count > _options.ReplayCount || now - state.Events.Peek().Timestamp > _options.ReplayAge))
        {
            state.EvictedUpTo = state.Events.Dequeue().Position;
        }
    }

    /// <summary>Called under the topic's lock: a topic with no events and no watchers takes no memory.</summary>
    private void RemoveIfIdle(string name, Topic state)
    {
        if (state.Events.Count == 0 && state.Watchers.Length == 0 && !state.Removed)
        {
            // Its ids stay unresumable: a topic created again under this name starts knowing nothing up to here.
            state.Removed = true;
            _topics.TryRemove(new KeyValuePair<string, Topic>(name, state));
            long forgotten;
            do
            {
                forgotten = Volatile.Read(ref _forgottenUpTo);
            }
            while (state.Head > forgotten && Interlocked.CompareExchange(ref _forgottenUpTo, state.Head, forgotten) != forgotten);
        }
    }

    private sealed class Topic
    {
        public readonly Queue<SseTopicEvent> Events = new();
        public Action<long>[] Watchers = [];
        public long Head;
        public long EvictedUpTo;
        public bool Removed;
    }

    private sealed class Watcher(InMemorySseTopicLog log, string name, Topic state, Action<long> onAppended) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            lock (state)
            {
                state.Watchers = Array.FindAll(state.Watchers, w => !ReferenceEquals(w, onAppended));
                log.RemoveIfIdle(name, state);
            }
        }
    }
}

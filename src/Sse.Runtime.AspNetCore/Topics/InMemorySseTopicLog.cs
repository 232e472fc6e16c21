using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The default <see cref="ISseTopicLog"/>: each topic keeps its most recent events in memory for subscribers that
/// resume, up to <see cref="SseHubOptions.ReplayCount"/> events, <see cref="SseHubOptions.ReplayBytes"/> and
/// <see cref="SseHubOptions.ReplayAge"/> of age, and all topics together up to <see cref="SseHubOptions.ReplayTotalBytes"/>
/// (the oldest events go first, whichever topic they belong to). Its epoch is new with every process, so ids from before a
/// restart are recognised as not resumable. Watchers are told synchronously, on the publisher's thread, right after the append.
/// </summary>
/// <remarks>
/// Positions come from one counter for the whole log, so within a topic they strictly increase (with gaps), and a topic
/// that was forgotten (no events kept, no watchers) and comes back never reuses one: an id from its earlier life is
/// recognised as too old rather than confused with a new event. Events past their age are removed when their topic is
/// next used and by a sweep of every topic (every <see cref="SseHubOptions.ReplayAge"/>, at most every 30 seconds), so a
/// topic nobody uses again does not keep its memory.
/// </remarks>
public sealed class InMemorySseTopicLog : ISseTopicLog, IDisposable
{
    private static readonly TimeSpan MaxSweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly SseHubOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly object _totalGate = new();
    private readonly ITimer _sweeper;
    private readonly SseTopicWatchers _watchers;
    private long _sequence;
    private long _totalBytes;

    /// <summary>The highest position of any topic forgotten so far: a topic created afresh knows nothing after it.</summary>
    private long _forgottenUpTo;

    /// <summary>Creates the log.</summary>
    /// <param name="options">The retention limits.</param>
    /// <param name="timeProvider">The clock of the age limit and of the sweep, or <see langword="null"/> for the system's.</param>
    public InMemorySseTopicLog(IOptions<SseHubOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Epoch = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant();
        _watchers = new SseTopicWatchers(OnFirstWatcher, OnLastWatcherLeft);

        // The timer holds the log weakly: a log nobody references (and never disposed) is collected, and its timer
        // then stops itself.
        var period = _options.ReplayAge > TimeSpan.Zero && _options.ReplayAge < MaxSweepInterval ? _options.ReplayAge : MaxSweepInterval;
        var sweep = new SweepState(new WeakReference<InMemorySseTopicLog>(this));
        _sweeper = _timeProvider.CreateTimer(static state =>
        {
            var sweep = (SweepState)state!;
            if (sweep.Log.TryGetTarget(out var log))
            {
                log.Sweep();
            }
            else
            {
                sweep.Timer?.Dispose();
            }
        }, sweep, period, period);
        sweep.Timer = _sweeper;
    }

    /// <summary>Gets the log's epoch, the same for every topic: new with every process, so ids from before a restart are not resumable.</summary>
    public string Epoch { get; }

    /// <summary>Gets the number of topics the log holds (with events kept or watchers).</summary>
    public int TopicCount => _topics.Count;

    /// <summary>Gets the bytes of events the log keeps over all topics (their data, plus 64 per event).</summary>
    public long RetainedBytes => Interlocked.Read(ref _totalBytes);

    /// <inheritdoc />
    public ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        while (true)
        {
            var state = GetOrAddTopic(topic);
            long position;
            lock (state)
            {
                if (state.Removed)
                {
                    continue;
                }

                position = state.Head = Interlocked.Increment(ref _sequence);
                var now = _timeProvider.GetUtcNow();
                var topicEvent = new SseTopicEvent(position, content.EventType, content.Data, now);
                state.Events.Add(topicEvent);
                state.Bytes += SizeOf(topicEvent);
                Interlocked.Add(ref _totalBytes, SizeOf(topicEvent));
                Trim(state, now);
            }

            // Visible to readers before anyone is told.
            _watchers.Notify(topic, new SseTopicPosition(Epoch, position));

            if (Interlocked.Read(ref _totalBytes) > _options.ReplayTotalBytes)
            {
                TrimTotal();
            }

            return new ValueTask<SseTopicPosition>(new SseTopicPosition(Epoch, position));
        }
    }

    /// <inheritdoc />
    public ValueTask<SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_topics.TryGetValue(topic, out var state))
        {
            var forgotten = Volatile.Read(ref _forgottenUpTo);
            return new ValueTask<SseTopicHead>(new SseTopicHead(Epoch, forgotten, forgotten));
        }

        lock (state)
        {
            Trim(state, _timeProvider.GetUtcNow());
            return new ValueTask<SseTopicHead>(new SseTopicHead(Epoch, state.Head, state.EvictedUpTo));
        }
    }

    /// <inheritdoc />
    public ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_topics.TryGetValue(topic, out var state))
        {
            var forgotten = Volatile.Read(ref _forgottenUpTo);
            return new ValueTask<SseTopicRead>(new SseTopicRead(Epoch, [], forgotten, IsTruncated: afterPosition != forgotten));
        }

        lock (state)
        {
            Trim(state, _timeProvider.GetUtcNow());

            // Events after the position were discarded, or the position is not one this topic reached (another
            // incarnation, a forged id): either way a subscriber resuming from it would miss events.
            var truncated = afterPosition < state.EvictedUpTo || afterPosition > state.Head;
            var events = state.Events;
            var first = events.IndexAfter(afterPosition);
            var count = Math.Min(Math.Max(maxCount, 0), events.Count - first);
            var result = new SseTopicEvent[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = events[first + i];
            }

            return new ValueTask<SseTopicRead>(new SseTopicRead(Epoch, result, state.Head, truncated));
        }
    }

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<SseTopicPosition> onAppended, CancellationToken cancellationToken) =>
        _watchers.AddAsync(topic, onAppended, cancellationToken);

    /// <summary>Stops the sweep. Events stay readable; safe to call more than once.</summary>
    public void Dispose() => _sweeper.Dispose();

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

    /// <summary>A watched topic keeps its state (its head) even with no events kept, so its watchers never see it start again.</summary>
    private ValueTask OnFirstWatcher(string topic, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = GetOrAddTopic(topic);
            lock (state)
            {
                if (!state.Removed)
                {
                    state.Watched = true;
                    return default;
                }
            }
        }
    }

    private ValueTask OnLastWatcherLeft(string topic)
    {
        if (_topics.TryGetValue(topic, out var state))
        {
            lock (state)
            {
                state.Watched = false;
                RemoveIfIdle(topic, state);
            }
        }

        return default;
    }

    /// <summary>The bytes an event counts for in the retention limits: its data and 64.</summary>
    private static int SizeOf(SseTopicEvent topicEvent) => topicEvent.Data.Length + 64;

    private Topic GetOrAddTopic(string topic) =>
        _topics.GetOrAdd(topic, static (_, log) =>
        {
            var forgotten = Volatile.Read(ref log._forgottenUpTo);
            return new Topic { Head = forgotten, EvictedUpTo = forgotten };
        }, this);

    /// <summary>
    /// Under the topic's lock: applies its count, byte and age limits. Its newest event stays until it is too old
    /// (whatever the count or its size): live delivery reads it from here.
    /// </summary>
    private void Trim(Topic state, DateTimeOffset now)
    {
        var events = state.Events;
        while (events.Count > 0
            && ((events.Count > 1 && (events.Count > _options.ReplayCount || state.Bytes > _options.ReplayBytes))
                || now - events.Oldest.Timestamp > _options.ReplayAge))
        {
            Evict(state);
        }
    }

    /// <summary>Under the topic's lock: removes its oldest event.</summary>
    private void Evict(Topic state)
    {
        var oldest = state.Events.RemoveOldest();
        state.EvictedUpTo = oldest.Position;
        state.Bytes -= SizeOf(oldest);
        Interlocked.Add(ref _totalBytes, -SizeOf(oldest));
    }

    /// <summary>
    /// Over <see cref="SseHubOptions.ReplayTotalBytes"/>: removes the oldest events of the whole log (a merge of the topics
    /// by their oldest position) down to nine tenths of it, so the next appends do not each pay for a sweep. One sweep at
    /// a time; an append that finds one running goes on.
    /// </summary>
    private void TrimTotal()
    {
        if (!Monitor.TryEnter(_totalGate))
        {
            return;
        }

        try
        {
            var target = _options.ReplayTotalBytes - (_options.ReplayTotalBytes / 10);
            var oldest = new PriorityQueue<KeyValuePair<string, Topic>, long>();
            foreach (var entry in _topics)
            {
                lock (entry.Value)
                {
                    if (entry.Value.Events.Count > 0)
                    {
                        oldest.Enqueue(entry, entry.Value.Events.Oldest.Position);
                    }
                }
            }

            while (Interlocked.Read(ref _totalBytes) > target && oldest.TryDequeue(out var entry, out _))
            {
                var (name, state) = entry;
                lock (state)
                {
                    if (state.Events.Count == 0)
                    {
                        continue;
                    }

                    Evict(state);
                    if (state.Events.Count > 0)
                    {
                        oldest.Enqueue(entry, state.Events.Oldest.Position);
                    }
                    else
                    {
                        RemoveIfIdle(name, state);
                    }
                }
            }
        }
        finally
        {
            Monitor.Exit(_totalGate);
        }
    }

    /// <summary>Called under the topic's lock: a topic with no events and no watchers takes no memory.</summary>
    private void RemoveIfIdle(string name, Topic state)
    {
        if (state.Events.Count == 0 && !state.Watched && !state.Removed)
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

    private sealed class SweepState(WeakReference<InMemorySseTopicLog> log)
    {
        public WeakReference<InMemorySseTopicLog> Log { get; } = log;

        public ITimer? Timer { get; set; }
    }

    private sealed class Topic
    {
        public readonly SseEventRing Events = new();
        public bool Watched;
        public long Head;
        public long EvictedUpTo;
        public long Bytes;
        public bool Removed;
    }
}

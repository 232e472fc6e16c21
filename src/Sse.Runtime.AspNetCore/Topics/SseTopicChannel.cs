using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// A topic with subscribers on this server: it watches the log and hands each new event to every subscriber, in
/// order. Delivering and adding a subscriber are serialized by one gate, so a subscriber resuming while events are
/// published gets each event exactly once.
/// </summary>
/// <remarks>
/// <para>
/// The delivery invariant, which every path that reads the log keeps (live delivery here, a subscriber's replay in
/// <see cref="SseSubscriber.ReadReplayAsync"/>, in-process reads in <see cref="SseHub"/>): a subscriber is given its
/// topic's events in position order, each once, from right after its Last-Event-ID (or from where delivery stood when
/// it subscribed), with none left out; or, at the first event it can no longer be given, an explicit end:
/// </para>
/// <list type="bullet">
/// <item><description><c>sse-reset</c>: events it is owed are no longer kept (retention removed them before this server
/// read them: it was paused, or cut off from its database, for longer than the log keeps events). It gets every event
/// before the loss, then the reset, then nothing.</description></item>
/// <item><description><c>sse-gap</c> with the exact count, right where the events were: the drop-oldest policy dropped
/// the oldest events waiting for it.</description></item>
/// <item><description>The end of its response without <c>sse-end</c> (an in-process reader:
/// <see cref="SseSubscriptionLostException"/>): it fell behind under the disconnect policy, or the hub stopped. Its
/// client resumes from the last event it received, and the replay brings the rest or says <c>sse-reset</c>.</description></item>
/// </list>
/// <para>
/// The channel's own position (<c>_delivered</c>) only moves forward over events it has handed to every subscriber that
/// was owed them, or reset; a read that finds events after it discarded resets exactly the subscribers that were owed
/// them.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never used holds nothing to dispose; disposing it under a late waiter would only throw.")]
internal sealed class SseTopicChannel
{
    /// <summary>The most events one delivery read brings into memory.</summary>
    internal const int DispatchPageSize = 256;

    /// <summary>Why subscribers are reset when their topic's epoch changed.</summary>
    internal const string EpochChangedReason = "The topic's history was lost (its log started a new epoch), so events after this id may be gone.";

    private const string LostReason = "Events after this id are no longer kept; this server fell too far behind the topic's publishers.";

    private readonly ISseTopicLog _log;
    private readonly SseHubOptions _options;
    private readonly SseServerMetrics _metrics;
    private readonly string _topic;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _membership = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SseTopicEvent, SseOutgoingEvent> _outgoing = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SseTopicEvent, SseOutgoingEvent>.CreateValueCallback _wrap;
    /// <summary>
    /// The members, in <c>[0, _count)</c>: added at the end, removed by moving the last into the leaver's slot, so both
    /// cost O(1) however many there are (a copy per change made 100,000 subscribers quadratic). A delivery reads the
    /// array without the lock; that is safe because the array is only replaced, and stale slots past <c>_count</c> only
    /// cleared, under the gate a delivery holds. So a member moved while a delivery runs still has its old slot, which
    /// that delivery visits: it may be visited twice (a subscriber takes each position once) but never missed.
    /// </summary>
    private SseSubscriber?[] _subscribers = [];
    private int _count;

    /// <summary>One past the highest slot that may still hold a stale reference (a leaver's, or a moved member's old slot).</summary>
    private int _highWater;
    private IAsyncDisposable? _watch;
    private string _epoch = string.Empty;
    private long _delivered = -1;
    private long _known;
    private int _epochReported;
    private int _dispatching;
    private bool _closed;

    public SseTopicChannel(ISseTopicLog log, SseHubOptions options, SseServerMetrics metrics, string topic)
    {
        _log = log;
        _options = options;
        _metrics = metrics;
        _topic = topic;
        _wrap = topicEvent => new SseOutgoingEvent(topicEvent, Volatile.Read(ref _epoch));
    }

    /// <summary>
    /// The event on its way out, one per event for live delivery and every replay alike: a log that hands out the same
    /// event objects (the in-memory one) has each frame built once, however many subscribers resume over it.
    /// </summary>
    internal SseOutgoingEvent Outgoing(SseTopicEvent topicEvent) => _outgoing.GetValue(topicEvent, _wrap);

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds a subscriber owed the events after <paramref name="after"/> (replayed from the log by its writer), or, when
    /// <see langword="null"/>, those after where delivery stands. <see langword="null"/> when the channel closed meanwhile.
    /// </summary>
    /// <exception cref="SseResumeRejectedException"><paramref name="after"/> is of another epoch, or past every event the topic has.</exception>
    public async ValueTask<SseSubscriber?> AddAsync(string? stream, SseTopicPosition? after, string? lastEventId, HttpContext? httpContext, SseSlowConsumerPolicy policy, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        SseSubscriber subscriber;
        try
        {
            if (Volatile.Read(ref _closed))
            {
                return null;
            }

            if (_watch is null)
            {
                // Watch first, then learn the head: an append in between is both counted and reported.
                var watch = await _log.WatchAsync(_topic, OnAppended, cancellationToken).ConfigureAwait(false);
                try
                {
                    var head = await _log.GetHeadAsync(_topic, cancellationToken).ConfigureAwait(false);
                    _epoch = SseTopicIds.Checked(head.Epoch, _log);
                    _delivered = head.Position;
                    _watch = watch;
                }
                catch
                {
                    await watch.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            long replayAfter, liveAfter;
            if (after is { } resume && !string.Equals(resume.Epoch, _epoch, StringComparison.Ordinal))
            {
                throw new SseResumeRejectedException(lastEventId, "The id is not one of this topic's current ids (it may be from before a restart, or from a log that lost its history).");
            }

            if (after is not { Position: var position })
            {
                // Live only: what this server already knows was appended came before the subscription.
                replayAfter = liveAfter = Math.Max(_delivered, Volatile.Read(ref _known));
            }
            else if (position <= _delivered)
            {
                // The writer replays up to where delivery stands; delivery brings what comes after.
                replayAfter = position;
                liveAfter = _delivered;
            }
            else
            {
                // Past what this server delivered (the client came from a server further ahead): only a real position will do.
                var head = await _log.GetHeadAsync(_topic, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(head.Epoch, _epoch, StringComparison.Ordinal) || !head.CanResumeAfter(position))
                {
                    throw new SseResumeRejectedException(lastEventId, "The id is past the newest event of this topic, so it is not one this topic gave (it may be from another server's log).");
                }

                replayAfter = liveAfter = position;
            }

            subscriber = new SseSubscriber(_topic, _epoch, stream, replayAfter, liveAfter, _options, policy, httpContext, Outgoing);
            lock (_membership)
            {
                if (_closed)
                {
                    return null;
                }

                AddMember(subscriber);
            }
        }
        finally
        {
            _gate.Release();
        }

        // Appends reported while the gate was held are delivered now.
        if (Volatile.Read(ref _known) > Volatile.Read(ref _delivered))
        {
            await DispatchAsync().ConfigureAwait(false);
        }

        return subscriber;
    }

    public bool Remove(SseSubscriber subscriber, out int remaining)
    {
        lock (_membership)
        {
            var index = subscriber.ChannelIndex;
            if (index < 0 || index >= _count || !ReferenceEquals(_subscribers[index], subscriber))
            {
                remaining = _count;
                return false;
            }

            // The last member takes the leaver's slot; its old slot keeps it for a delivery in flight (see _subscribers).
            var last = _count - 1;
            var moved = _subscribers[last]!;
            _subscribers[index] = moved;
            moved.ChannelIndex = index;
            subscriber.ChannelIndex = -1;
            Volatile.Write(ref _count, last);
            remaining = last;
            if (remaining == 0)
            {
                CloseCore();
            }

            return true;
        }
    }

    /// <summary>Under the gate and the membership lock: a new member at the end.</summary>
    private void AddMember(SseSubscriber subscriber)
    {
        ClearStaleSlots();
        if (_count == _subscribers.Length)
        {
            Array.Resize(ref _subscribers, Math.Max(4, _subscribers.Length * 2));
        }

        subscriber.ChannelIndex = _count;
        _subscribers[_count] = subscriber;
        _highWater = Math.Max(_highWater, _count + 1);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>
    /// Under the gate and the membership lock (no delivery is reading): drops the stale references past the members,
    /// so leavers are not kept alive, and gives back most of an array that emptied.
    /// </summary>
    private void ClearStaleSlots()
    {
        if (_highWater > _count)
        {
            Array.Clear(_subscribers, _count, _highWater - _count);
            _highWater = _count;
        }

        if (_subscribers.Length > 64 && _count < _subscribers.Length / 4)
        {
            Array.Resize(ref _subscribers, Math.Max(64, _count * 2));
        }
    }

    /// <summary>The members now, each once: for the rare paths that must not visit one twice (a reset, the hub stopping).</summary>
    private SseSubscriber[] Members()
    {
        lock (_membership)
        {
            return _subscribers.AsSpan(0, _count).ToArray()!;
        }
    }

    /// <summary>Closes the channel when it has no subscriber (one that failed to get its first); <see langword="true"/> when it did.</summary>
    public bool TryCloseIfEmpty()
    {
        lock (_membership)
        {
            if (_count == 0)
            {
                CloseCore();
                return true;
            }

            return false;
        }
    }

    /// <summary>Ends every subscription (the hub stopped) and the watch.</summary>
    public void CloseAll()
    {
        SseSubscriber[] subscribers;
        lock (_membership)
        {
            subscribers = _subscribers.AsSpan(0, _count).ToArray()!;
            CloseCore();
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Close(SseSubscriberEnd.Stopped);
        }
    }

    /// <summary>Under the membership lock: no subscriber is added from now on, and the log is no longer watched.</summary>
    private void CloseCore()
    {
        if (!_closed)
        {
            Volatile.Write(ref _closed, true);
            if (_watch is { } watch)
            {
                // Unsubscribing from a backplane is a round trip: it need not hold up the subscriber that left last.
                _ = StopWatchingAsync(watch);
            }
        }
    }

    private static async Task StopWatchingAsync(IAsyncDisposable watch)
    {
        try
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The backplane is away: its subscription goes with the connection.
        }
    }

    private void OnAppended(SseTopicPosition reported)
    {
        if (!string.Equals(reported.Epoch, Volatile.Read(ref _epoch), StringComparison.Ordinal))
        {
            // The topic started a new epoch (its history was lost): delivery reads it and resets who is owed the old one.
            Volatile.Write(ref _epochReported, 1);
            _ = DispatchAsync();
            return;
        }

        var position = reported.Position;
        long known;
        do
        {
            known = Volatile.Read(ref _known);
        }
        while (position > known && Interlocked.CompareExchange(ref _known, position, known) != known);

        _ = DispatchAsync();
    }

    /// <summary>
    /// Delivers every event up to the newest known, once; concurrent calls leave it to the one running, which looks
    /// again after it lets go, so no report is lost. Stops when the channel closes (its last subscriber left).
    /// </summary>
    private async Task DispatchAsync()
    {
        while (!Volatile.Read(ref _closed) && (Volatile.Read(ref _known) > Volatile.Read(ref _delivered) || Volatile.Read(ref _epochReported) != 0))
        {
            if (Interlocked.Exchange(ref _dispatching, 1) != 0)
            {
                return;
            }

            try
            {
                await _gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await DeliverAsync().ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The log is unavailable (a database restarting): the next report or poll delivers.
                _metrics.LogReadFailed();
                return;
            }
            finally
            {
                Volatile.Write(ref _dispatching, 0);
            }
        }
    }

    /// <summary>Under the gate: reads and hands out what is new, page by page.</summary>
    private async Task DeliverAsync()
    {
        while (!Volatile.Read(ref _closed))
        {
            var epochReported = Interlocked.Exchange(ref _epochReported, 0) != 0;
            var target = Volatile.Read(ref _known);
            if (target <= _delivered && !epochReported)
            {
                return;
            }

            var read = await _log.ReadAsync(_topic, _delivered, DispatchPageSize, CancellationToken.None).ConfigureAwait(false);
            if (!string.Equals(read.Epoch, _epoch, StringComparison.Ordinal))
            {
                StartNewEpoch(read);
                continue;
            }

            if (read.IsTruncated)
            {
                await ResetLosersAsync().ConfigureAwait(false);
            }

            if (read.Events.Count == 0)
            {
                _delivered = Math.Max(_delivered, read.Head);
                if (target > _delivered)
                {
                    // A report past the log's head (not one of its positions): forget it, unless a newer one came meanwhile.
                    Interlocked.CompareExchange(ref _known, _delivered, target);
                }

                continue;
            }

            // Members are read without the lock (see _subscribers): the array cannot be replaced while the gate is held.
            var subscribers = _subscribers;
            var count = Volatile.Read(ref _count);
            foreach (var logEvent in read.Events)
            {
                var topicEvent = Outgoing(logEvent);
                for (var i = 0; i < count; i++)
                {
                    if (subscribers[i] is { } subscriber && subscriber.Enqueue(topicEvent))
                    {
                        _metrics.FellBehind(subscriber.Policy);
                    }
                }

                _delivered = topicEvent.Position;
            }
        }

        if (Volatile.Read(ref _highWater) > Volatile.Read(ref _count))
        {
            lock (_membership)
            {
                ClearStaleSlots();
            }
        }
    }

    /// <summary>
    /// Under the gate: the topic's log lost its history and started a new epoch (a store wiped or restarted without
    /// persistence, a key evicted): nobody can tell which events of the old epoch are gone, so every subscriber gets
    /// <c>sse-reset</c> after the events it has. Delivery goes on in the new epoch for those who subscribe from now on.
    /// </summary>
    private void StartNewEpoch(SseTopicRead read)
    {
        foreach (var subscriber in Members())
        {
            if (!subscriber.IsClosed)
            {
                subscriber.Reset(EpochChangedReason);
                _metrics.Reset();
            }
        }

        // A report of the old epoch past the new head is forgotten by the loop, as any report past the head.
        Volatile.Write(ref _epoch, SseTopicIds.Checked(read.Epoch, _log));
        _delivered = read.Head;
    }

    /// <summary>
    /// Events after <c>_delivered</c> were discarded before they were read: every subscriber owed one of them gets
    /// <c>sse-reset</c> after the events it already has. A subscriber that resumed past <c>_delivered</c> is owed them
    /// only when the log discarded events after its own position too.
    /// </summary>
    private async Task ResetLosersAsync()
    {
        Dictionary<long, bool>? truncatedAfter = null;
        foreach (var subscriber in Members())
        {
            var position = subscriber.LastPosition;
            var lost = position <= _delivered;
            if (!lost)
            {
                truncatedAfter ??= [];
                if (!truncatedAfter.TryGetValue(position, out lost))
                {
                    lost = !(await _log.GetHeadAsync(_topic, CancellationToken.None).ConfigureAwait(false)).CanResumeAfter(position);
                    truncatedAfter[position] = lost;
                }
            }

            if (lost && !subscriber.IsClosed)
            {
                subscriber.Reset(LostReason);
                _metrics.Reset();
            }
        }
    }
}

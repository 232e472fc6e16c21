using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>How a subscription ended, or that it has not.</summary>
internal enum SseSubscriberEnd
{
    /// <summary>Still open.</summary>
    None,

    /// <summary>Its consumer left (the client disconnected, the in-process reader was canceled).</summary>
    Closed,

    /// <summary>It fell behind its queue's bounds under the disconnect policy: its client resumes from the kept events.</summary>
    FellBehind,

    /// <summary>
    /// Events it was owed are no longer kept (retention removed them before they reached it): it must re-synchronise,
    /// so it gets <c>sse-reset</c> after the events before the loss.
    /// </summary>
    Reset,

    /// <summary>The hub stopped (the application is stopping): its client resumes on another server or after the restart.</summary>
    Stopped,
}

/// <summary>
/// One subscription to a topic: the events it is owed, in order, and the signal its writer waits on. It is owed first
/// the kept events of its replay range (after its Last-Event-ID, up to where its topic's delivery stood when it came),
/// read from the log a page at a time by its own writer, then the live events the hub's delivery queues for it, bounded
/// in count and bytes. A subscriber that falls behind the bounds gets the hub's slow-consumer policy, so it never slows
/// the publisher or other subscribers; one that can no longer get what it is owed ends with <see cref="SseSubscriberEnd.Reset"/>.
/// </summary>
internal sealed class SseSubscriber
{
    /// <summary>The most events one replay read brings into memory.</summary>
    internal const int ReplayPageSize = 64;

    private readonly Queue<SseOutgoingEvent> _queue = new();
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private long _bytes;
    private long _missed;

    // The replay range (_replayCursor, _replayUpTo], served before the live queue; only the writer touches these.
    private long _replayCursor;
    private readonly long _replayUpTo;
    private SseOutgoingEvent[] _replayPage = [];
    private int _replayIndex;

    private readonly System.Func<SseTopicEvent, SseOutgoingEvent> _outgoing;

    public SseSubscriber(string topic, string epoch, string? stream, long replayAfter, long liveAfter, SseHubOptions options, SseSlowConsumerPolicy policy, HttpContext? httpContext, System.Func<SseTopicEvent, SseOutgoingEvent> outgoing)
    {
        _outgoing = outgoing;
        Debug.Assert(replayAfter <= liveAfter, "A replay ends where live delivery starts.");
        Topic = topic;
        Epoch = epoch;
        Stream = stream;
        HttpContext = httpContext;
        _replayCursor = replayAfter;
        _replayUpTo = liveAfter;
        LastPosition = liveAfter;
        StartPosition = liveAfter;
        _maxEvents = options.MaxQueuedEvents;
        _maxBytes = options.MaxQueuedBytes;
        Policy = policy;
    }

    public string Topic { get; }

    /// <summary>Gets the topic's epoch when it subscribed: its positions are of this epoch.</summary>
    public string Epoch { get; }

    /// <summary>Gets what it gets when it falls behind.</summary>
    public SseSlowConsumerPolicy Policy { get; }

    public string? Stream { get; }

    public HttpContext? HttpContext { get; }

    /// <summary>Gets the signal the writer waits on.</summary>
    public SseSignal Signal { get; } = new();

    /// <summary>Gets where its live events start: it is owed every event after this position (its resume point before its first event).</summary>
    public long StartPosition { get; }

    /// <summary>Gets the position of the last live event given to this subscriber; events up to it are never given again.</summary>
    public long LastPosition { get; private set; }

    /// <summary>Where it is in its channel's membership (<see cref="SseTopicChannel"/>), or -1 when not a member; under the channel's membership lock.</summary>
    internal int ChannelIndex = -1;

    /// <summary>Gets how the subscription ended, or <see cref="SseSubscriberEnd.None"/>.</summary>
    public SseSubscriberEnd End { get; private set; }

    /// <summary>Gets whether the subscription is over: its writer finishes what it owes (see <see cref="End"/>) and stops.</summary>
    public bool IsClosed => End != SseSubscriberEnd.None;

    /// <summary>Gets whether it was closed because it fell behind.</summary>
    public bool FellBehind => End == SseSubscriberEnd.FellBehind;

    /// <summary>Gets why it was reset (<see cref="SseSubscriberEnd.Reset"/>), for the <c>sse-reset</c> event.</summary>
    public string? ResetReason { get; private set; }

    /// <summary>
    /// Gets or sets what to do when the subscriber falls behind under the disconnect policy, besides closing: a topic
    /// endpoint aborts its connection, since its writer may be stuck waiting for a client that stopped reading.
    /// </summary>
    public System.Action? OnFellBehind { get; set; }

    /// <summary>Gets or sets whether a heartbeat is due (set by the heartbeat timer, cleared by the writer).</summary>
    public bool HeartbeatDue { get; set; }

    /// <summary>
    /// Gets whether the writer must read the next page of its replay from the log before it can take more (also when a
    /// reset is due: it comes after everything owed before the loss).
    /// </summary>
    public bool ReplayPending => _replayIndex == _replayPage.Length && _replayCursor < _replayUpTo && End is SseSubscriberEnd.None or SseSubscriberEnd.Reset;

    /// <summary>
    /// Reads the next page of the replay from the log. When events of the range are no longer kept, the subscription
    /// ends with <see cref="SseSubscriberEnd.Reset"/> after the events given before the loss, and this returns
    /// <see langword="false"/>.
    /// </summary>
    public async ValueTask<bool> ReadReplayAsync(ISseTopicLog log, CancellationToken cancellationToken)
    {
        Debug.Assert(ReplayPending, "Only an exhausted page is replaced.");
        var read = await log.ReadAsync(Topic, _replayCursor, ReplayPageSize, cancellationToken).ConfigureAwait(false);
        if (read.IsTruncated || !string.Equals(read.Epoch, Epoch, System.StringComparison.Ordinal))
        {
            // Never a partial replay: what was given so far stands, the rest cannot be, and the live events queued
            // meanwhile come after the loss, so they go too.
            _replayCursor = _replayUpTo;
            Reset(read.IsTruncated ? "Events after this id are no longer kept; the subscriber fell too far behind." : SseTopicChannel.EpochChangedReason, discardQueued: true);
            return false;
        }

        var events = read.Events;
        var count = 0;
        while (count < events.Count && events[count].Position <= _replayUpTo)
        {
            count++;
        }

        // Events past the range are live delivery's: those come from the queue.
        var page = new SseOutgoingEvent[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = _outgoing(events[i]);
        }

        _replayPage = page;
        _replayCursor = count == events.Count && count == ReplayPageSize ? events[count - 1].Position : _replayUpTo;

        _replayIndex = 0;
        return true;
    }

    /// <summary>Queues a live event after the last one given; events at or before it are skipped (no duplicates).</summary>
    /// <param name="topicEvent">The event.</param>
    /// <returns>Whether the subscriber fell behind with this event.</returns>
    public bool Enqueue(SseOutgoingEvent topicEvent)
    {
        var fellBehind = false;
        lock (_queue)
        {
            if (IsClosed || topicEvent.Position <= LastPosition)
            {
                return false;
            }

            LastPosition = topicEvent.Position;

            // One event larger than the byte bound still goes to a subscriber with nothing waiting.
            if (_queue.Count > 0 && (_queue.Count >= _maxEvents || _bytes + topicEvent.Size > _maxBytes))
            {
                fellBehind = true;
                if (Policy == SseSlowConsumerPolicy.Disconnect)
                {
                    End = SseSubscriberEnd.FellBehind;
                    _queue.Clear();
                    _bytes = 0;
                }
                else
                {
                    // The dropped events are the oldest waiting, so the gap is right before the queue's new head.
                    while (_queue.Count > 0 && (_queue.Count >= _maxEvents || _bytes + topicEvent.Size > _maxBytes))
                    {
                        _bytes -= _queue.Dequeue().Size;
                        _missed++;
                    }
                }
            }

            if (!IsClosed)
            {
                _queue.Enqueue(topicEvent);
                _bytes += topicEvent.Size;
            }
        }

        Signal.Set();
        if (fellBehind && End == SseSubscriberEnd.FellBehind)
        {
            OnFellBehind?.Invoke();
        }

        return fellBehind;
    }

    /// <summary>
    /// Takes the next event owed: the replay's, then the live queue's. <paramref name="missedBefore"/> is how many
    /// events the drop-oldest policy dropped right before it (its <c>sse-gap</c> goes first).
    /// </summary>
    public bool TryDequeue(out SseOutgoingEvent topicEvent, out long missedBefore)
    {
        missedBefore = 0;
        if (_replayIndex < _replayPage.Length)
        {
            topicEvent = _replayPage[_replayIndex++];
            return true;
        }

        if (_replayCursor < _replayUpTo)
        {
            // The replay is not finished: the live events queued meanwhile come after it, so none is handed out before
            // it, whatever ended the subscription (a subscriber closed mid-replay must not skip the rest of its range).
            topicEvent = null!;
            return false;
        }

        lock (_queue)
        {
            if (_queue.TryDequeue(out topicEvent!))
            {
                _bytes -= topicEvent.Size;
                missedBefore = _missed;
                _missed = 0;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Ends the subscription because events it is owed are no longer kept. The events queued before the loss are still
    /// given (live delivery found the loss after them), unless <paramref name="discardQueued"/> (its replay found the
    /// loss, and the queued live events come after it); then the reset, and nothing after it.
    /// </summary>
    public void Reset(string reason, bool discardQueued = false)
    {
        lock (_queue)
        {
            if (discardQueued)
            {
                // The queued live events come after the loss: never given, however the subscription ends.
                _queue.Clear();
                _bytes = 0;
                _missed = 0;
            }

            if (IsClosed)
            {
                return;
            }

            ResetReason = reason;
            End = SseSubscriberEnd.Reset;
        }

        Signal.Set();
    }

    /// <summary>Ends the subscription: its writer finishes what it is doing and stops.</summary>
    public void Close(SseSubscriberEnd end = SseSubscriberEnd.Closed)
    {
        lock (_queue)
        {
            if (!IsClosed)
            {
                End = end;
            }
        }

        Signal.Set();
    }

    /// <summary>Gets the number of events waiting.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Gets the number of bytes of events waiting.</summary>
    public long QueuedBytes => Interlocked.Read(ref _bytes);
}

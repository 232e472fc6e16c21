using System.Collections.Generic;
using System.Threading;
using Microsoft.AspNetCore.Http;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// One subscription to a topic: the events waiting to be written to it, bounded in count and bytes, and the signal its
/// writer waits on. Publishers enqueue the events' shared frames (one serialization per broadcast); a subscriber that
/// falls behind the bounds gets the hub's slow-consumer policy, so it never slows the publisher or other subscribers.
/// </summary>
internal sealed class SseSubscriber
{
    private readonly Queue<SseTopicEvent> _queue = new();
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private readonly SseSlowConsumerPolicy _policy;
    private long _bytes;
    private long _missed;

    public SseSubscriber(string topic, string? stream, long deliveredUpTo, SseHubOptions options, HttpContext? httpContext)
    {
        Topic = topic;
        Stream = stream;
        LastPosition = deliveredUpTo;
        HttpContext = httpContext;
        _maxEvents = options.MaxQueuedEvents;
        _maxBytes = options.MaxQueuedBytes;
        _policy = options.SlowConsumerPolicy;
    }

    public string Topic { get; }

    public string? Stream { get; }

    public HttpContext? HttpContext { get; }

    /// <summary>Gets the signal the writer waits on.</summary>
    public SseSignal Signal { get; } = new();

    /// <summary>Gets the position of the last event given to this subscriber; events up to it are never given again.</summary>
    public long LastPosition { get; private set; }

    /// <summary>Gets whether the subscription is over (fell behind under the disconnect policy, or was closed).</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Gets whether it was closed because it fell behind.</summary>
    public bool FellBehind { get; private set; }

    /// <summary>
    /// Gets or sets what to do when the subscriber falls behind under the disconnect policy, besides closing: a topic
    /// endpoint aborts its connection, since its writer may be stuck waiting for a client that stopped reading.
    /// </summary>
    public System.Action? OnFellBehind { get; set; }

    /// <summary>Gets or sets whether a heartbeat is due (set by the heartbeat timer, cleared by the writer).</summary>
    public bool HeartbeatDue { get; set; }

    /// <summary>Queues an event after the last one given; events at or before it are skipped (no duplicates).</summary>
    /// <param name="topicEvent">The event.</param>
    /// <param name="bounded">Whether the queue's bounds apply (not to a resuming subscriber's replay, which the retention bounds).</param>
    /// <returns>Whether the subscriber fell behind with this event.</returns>
    public bool Enqueue(SseTopicEvent topicEvent, bool bounded = true)
    {
        bool fellBehind = false;
        lock (_queue)
        {
            if (IsClosed || topicEvent.Position <= LastPosition)
            {
                return false;
            }

            LastPosition = topicEvent.Position;
            if (bounded && (_queue.Count >= _maxEvents || _bytes + topicEvent.Size > _maxBytes))
            {
                fellBehind = true;
                if (_policy == SseSlowConsumerPolicy.Disconnect)
                {
                    IsClosed = true;
                    FellBehind = true;
                    _queue.Clear();
                    _bytes = 0;
                }
                else
                {
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
        if (fellBehind && IsClosed)
        {
            OnFellBehind?.Invoke();
        }

        return fellBehind;
    }

    /// <summary>Takes the next queued event.</summary>
    public bool TryDequeue(out SseTopicEvent topicEvent)
    {
        lock (_queue)
        {
            if (_queue.TryDequeue(out topicEvent!))
            {
                _bytes -= topicEvent.Size;
                return true;
            }

            return false;
        }
    }

    /// <summary>Takes the count of events dropped since the last call (the drop-oldest policy).</summary>
    public long TakeMissed()
    {
        lock (_queue)
        {
            var missed = _missed;
            _missed = 0;
            return missed;
        }
    }

    /// <summary>Ends the subscription: its writer finishes what it is doing and stops.</summary>
    public void Close()
    {
        lock (_queue)
        {
            IsClosed = true;
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

using System.Diagnostics;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// A topic's kept events, oldest first, in a growable ring: appending and removing the oldest are O(1), and finding the
/// events after a position is a binary search (positions strictly increase), so a read costs what it returns, not the
/// number of events kept.
/// </summary>
internal sealed class SseEventRing
{
    private SseTopicEvent[] _items = new SseTopicEvent[4];
    private int _head;

    public int Count { get; private set; }

    public SseTopicEvent this[int index]
    {
        get
        {
            Debug.Assert((uint)index < (uint)Count, "In range.");
            return _items[(_head + index) % _items.Length];
        }
    }

    public SseTopicEvent Oldest => this[0];

    public void Add(SseTopicEvent topicEvent)
    {
        Debug.Assert(Count == 0 || this[Count - 1].Position < topicEvent.Position, "Positions strictly increase.");
        if (Count == _items.Length)
        {
            var grown = new SseTopicEvent[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = this[i];
            }

            _items = grown;
            _head = 0;
        }

        _items[(_head + Count) % _items.Length] = topicEvent;
        Count++;
    }

    public SseTopicEvent RemoveOldest()
    {
        Debug.Assert(Count > 0, "Not empty.");
        var oldest = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        Count--;
        if (Count == 0)
        {
            _head = 0;
        }

        // A ring that grew for a burst gives the memory back once it is mostly empty.
        if (_items.Length > 64 && Count < _items.Length / 4)
        {
            var shrunk = new SseTopicEvent[_items.Length / 2];
            for (var i = 0; i < Count; i++)
            {
                shrunk[i] = this[i];
            }

            _items = shrunk;
            _head = 0;
        }

        return oldest;
    }

    /// <summary>The index of the first event whose position is greater than <paramref name="position"/> (<see cref="Count"/> when none).</summary>
    public int IndexAfter(long position)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (this[middle].Position <= position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}

using System.Threading;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// A topic event on its way to this server's subscribers: the log's plain event with its topic's epoch, and the frame
/// the hub builds once for all of them.
/// </summary>
internal sealed class SseOutgoingEvent(SseTopicEvent topicEvent, string epoch)
{
    private byte[]? _frame;

    public SseTopicEvent Event { get; } = topicEvent;

    public long Position => Event.Position;

    public string Epoch { get; } = epoch;

    /// <summary>Gets the event's id, <c>{epoch}-{position}</c>.</summary>
    public string Id => SseTopicIds.Id(Epoch, Event.Position);

    /// <summary>Gets the number of bytes a subscriber's queue holds for this event.</summary>
    public int Size => Event.Data.Length + 64;

    /// <summary>
    /// Gets the event's whole frame on the wire (<c>id:</c>, <c>event:</c>, <c>data:</c> lines and the blank line), built
    /// once and written as is to every subscriber.
    /// </summary>
    public byte[] Frame => _frame ?? Interlocked.CompareExchange(ref _frame, SseFrameWriter.BuildTopicFrame(Event, Epoch), null) ?? _frame!;
}

using System;
using System.Collections.Generic;

namespace Sse.Runtime.AspNetCore.TopicLogs;

/// <summary>Where an event is in its topic: the topic's epoch and the event's position, which make its id.</summary>
/// <param name="Epoch">The topic's epoch.</param>
/// <param name="Position">The position.</param>
public readonly record struct SseTopicPosition(string Epoch, long Position)
{
    /// <summary>Gets the event id subscribers see: <c>{epoch}-{position}</c>.</summary>
    public string EventId => SseTopicIds.Id(Epoch, Position);

    /// <inheritdoc />
    public override string ToString() => EventId;
}

/// <summary>What <see cref="ISseTopicLog.GetHeadAsync"/> found: the topic's epoch, newest position, and how far back it keeps events.</summary>
/// <param name="Epoch">The topic's epoch.</param>
/// <param name="Position">The topic's newest position (its discarded mark when it has no events).</param>
/// <param name="DiscardedUpTo">The newest position whose event is no longer kept (0 when none was discarded): events after it, up to the head, are all kept.</param>
public readonly record struct SseTopicHead(string Epoch, long Position, long DiscardedUpTo)
{
    /// <summary>Gets whether a subscriber whose last event was at <paramref name="position"/> can be given every event after it.</summary>
    /// <param name="position">The position of the subscriber's last event.</param>
    /// <returns><see langword="false"/> when events after it were discarded, or it is past the head (not a position of this topic).</returns>
    public bool CanResumeAfter(long position) => position >= DiscardedUpTo && position <= Position;
}

/// <summary>What <see cref="ISseTopicLog.ReadAsync"/> found.</summary>
/// <param name="Epoch">The topic's epoch: positions of another epoch are not this topic's.</param>
/// <param name="Events">The events after the position asked for, oldest first.</param>
/// <param name="Head">The topic's newest position.</param>
/// <param name="IsTruncated">
/// Whether events after the position asked for are no longer kept (retention removed them), or the position is past the
/// head, so a subscriber resuming from it would miss some.
/// </param>
public readonly record struct SseTopicRead(string Epoch, IReadOnlyList<SseTopicEvent> Events, long Head, bool IsTruncated);

/// <summary>One event of a topic, as a log keeps it.</summary>
/// <param name="Position">Its position in the topic.</param>
/// <param name="EventType">Its event name, or <see langword="null"/>.</param>
/// <param name="Data">Its data as UTF-8 (lines separated by LF).</param>
/// <param name="Timestamp">When it was appended.</param>
public sealed record SseTopicEvent(long Position, string? EventType, ReadOnlyMemory<byte> Data, DateTimeOffset Timestamp);

/// <summary>An event as a topic log appends it: its name and its data (UTF-8, lines separated by LF).</summary>
/// <param name="EventType">The event name, or <see langword="null"/> for none.</param>
/// <param name="Data">The data.</param>
public readonly record struct SseTopicEventContent(string? EventType, ReadOnlyMemory<byte> Data);

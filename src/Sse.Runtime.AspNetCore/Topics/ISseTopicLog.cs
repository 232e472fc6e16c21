using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Where a topic's events are kept: the seam under <see cref="SseHub"/>. The hub appends each published event once and
/// reads events after a position, for new subscribers resuming and for delivering what was appended; the log tells it
/// when a topic has new events. The in-memory log (the default) keeps recent events per process; a database-backed log
/// makes topics and resume work across several server processes.
/// </summary>
/// <remarks>
/// Positions are per topic, start at 1 and strictly increase. An implementation must make an appended event visible to
/// <see cref="ReadAsync"/> before it reports it to watchers, and may coalesce or repeat reports (the hub reads what is
/// new), but must not lose them for good: a watcher that was told nothing still gets the events when the next report
/// comes.
/// </remarks>
public interface ISseTopicLog
{
    /// <summary>
    /// Gets the log's epoch: part of every event id, so an id from another epoch (an in-memory log before a restart,
    /// another database) is recognised as one that cannot be resumed from.
    /// </summary>
    string Epoch { get; }

    /// <summary>Appends an event to a topic.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="eventType">The event name, or <see langword="null"/> for none.</param>
    /// <param name="data">The event's data as UTF-8 (lines separated by LF).</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The event's position in the topic.</returns>
    ValueTask<long> AppendAsync(string topic, string? eventType, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Reads the events of a topic after a position, oldest first.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="afterPosition">The position after which to read; 0 for the oldest kept.</param>
    /// <param name="maxCount">The most events to return; 0 to learn only the topic's head.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events, the topic's newest position, and whether events after <paramref name="afterPosition"/> were already discarded.</returns>
    ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken);

    /// <summary>Asks to be told when a topic gets new events (possibly appended by another process).</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="onAppended">Called with the newest position known; it must return quickly.</param>
    /// <returns>Ends the watch when disposed.</returns>
    IDisposable Watch(string topic, Action<long> onAppended);
}

/// <summary>What <see cref="ISseTopicLog.ReadAsync"/> found.</summary>
/// <param name="Events">The events after the position asked for, oldest first.</param>
/// <param name="Head">The topic's newest position (0 when it has none).</param>
/// <param name="IsTruncated">
/// Whether events after the position asked for are no longer kept (retention removed them), so a subscriber resuming
/// from it would miss some.
/// </param>
public readonly record struct SseTopicRead(IReadOnlyList<SseTopicEvent> Events, long Head, bool IsTruncated);

/// <summary>One event of a topic.</summary>
public sealed class SseTopicEvent
{
    private byte[]? _frame;

    /// <summary>Creates the event.</summary>
    /// <param name="position">Its position in the topic.</param>
    /// <param name="eventType">Its event name, or <see langword="null"/>.</param>
    /// <param name="data">Its data as UTF-8 (lines separated by LF).</param>
    /// <param name="timestamp">When it was appended.</param>
    public SseTopicEvent(long position, string? eventType, ReadOnlyMemory<byte> data, DateTimeOffset timestamp)
    {
        Position = position;
        EventType = eventType;
        Data = data;
        Timestamp = timestamp;
    }

    /// <summary>Gets the event's position in its topic.</summary>
    public long Position { get; }

    /// <summary>Gets the event name, or <see langword="null"/>.</summary>
    public string? EventType { get; }

    /// <summary>Gets the data as UTF-8.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets when the event was appended.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>
    /// The event's whole frame on the wire (<c>id:</c>, <c>event:</c>, <c>data:</c> lines and the blank line), built once
    /// and written as is to every subscriber.
    /// </summary>
    internal byte[] GetFrame(string epoch) => _frame ?? Interlocked.CompareExchange(ref _frame, SseFrameWriter.BuildTopicFrame(this, epoch), null) ?? _frame!;

    /// <summary>The number of bytes a subscriber's queue holds for this event.</summary>
    internal int Size => Data.Length + 64;
}

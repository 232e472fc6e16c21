using System;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.AspNetCore.TopicLogs;

/// <summary>
/// Where a topic's events are kept: the seam under <see cref="SseHub"/>, for authors of a log on another engine. The hub
/// appends each published event once, learns a topic's head, reads the events after a position (for subscribers that
/// resume and for delivering what was appended), and watches topics for new events, possibly appended by another process.
/// The in-memory log (the default) keeps recent events per process; the PostgreSQL and Redis logs make topics and resume
/// work across several server processes.
/// </summary>
/// <remarks>
/// <para>The contract, which <c>Sse.Testing</c>'s <c>SseTopicLogSpecification</c> checks for any implementation:</para>
/// <list type="bullet">
/// <item><description>Positions are per topic and per epoch, start at 1 (or after the topic's discarded mark) and strictly
/// increase, in one order however many processes append at once.</description></item>
/// <item><description>Every topic has an epoch: letters, digits, <c>_</c> or <c>.</c>, at most 32 of them, part of every
/// event id (<c>{epoch}-{position}</c>). It changes whenever positions could start again or events were lost without
/// being marked discarded (a store wiped, a key evicted), so an id from before can never point at another event. It may
/// be one for the whole log.</description></item>
/// <item><description>An appended event is visible to <see cref="ReadAsync"/> and <see cref="GetHeadAsync"/> before
/// watchers are told of it. Reports may be coalesced, repeated or late (the hub reads what is new), but never lost for
/// good: a report missed while a connection was down comes later, from a poll or a reconnect.</description></item>
/// <item><description>A read after a position the log no longer covers (events after it were discarded, or it is past the
/// head) says so with <see cref="SseTopicRead.IsTruncated"/>; it never returns part of what was asked for as if it were
/// all.</description></item>
/// <item><description>A log unreachable for a while throws <see cref="SseTopicLogUnavailableException"/>, so the hub answers
/// 503 with Retry-After and subscribers resume later.</description></item>
/// </list>
/// </remarks>
public interface ISseTopicLog
{
    /// <summary>Appends an event to a topic.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="content">The event's name and data.</param>
    /// <param name="cancellationToken">Cancels the append; once the log may have kept the event, it completes with the outcome.</param>
    /// <returns>The epoch and position the event got.</returns>
    ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, CancellationToken cancellationToken);

    /// <summary>Gets a topic's epoch, its newest position and the newest position no longer kept.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head. A topic without events has one too: its epoch stays the same when its first event comes.</returns>
    ValueTask<SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken);

    /// <summary>Reads the events of a topic after a position, oldest first, in one consistent view.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="afterPosition">The position after which to read; 0 for the oldest kept.</param>
    /// <param name="maxCount">The most events to return (at least 1).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The topic's epoch, the events, its head, and whether events after <paramref name="afterPosition"/> were already discarded.</returns>
    ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken);

    /// <summary>Asks to be told when a topic gets new events (possibly appended by another process).</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="onAppended">Called with the newest epoch and position known; it must return quickly and not throw.</param>
    /// <param name="cancellationToken">Cancels starting the watch.</param>
    /// <returns>Ends the watch when disposed (safe to dispose more than once). Reports may still come while it is disposed.</returns>
    ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<SseTopicPosition> onAppended, CancellationToken cancellationToken);
}

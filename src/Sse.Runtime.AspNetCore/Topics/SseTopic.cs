using System;
using System.Collections.Generic;
using System.Net.ServerSentEvents;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// A typed topic: publish items to every subscriber, subscribe in-process, count subscribers. The generated
/// <c>{Name}Publisher</c> hands these out, one member per topic method: <c>chat.Room("lobby")</c>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public readonly struct SseTopic<T>
{
    private readonly SseHub _hub;
    private readonly SseEventFormat<T> _format;

    internal SseTopic(SseHub hub, string name, SseEventFormat<T> format)
    {
        _hub = hub;
        _format = format;
        Name = name;
    }

    /// <summary>Gets the topic's name.</summary>
    public string Name { get; }

    /// <summary>Gets the hub the topic belongs to.</summary>
    public SseHub Hub => _hub;

    /// <summary>How its items become events.</summary>
    internal SseEventFormat<T> Format => _format;

    /// <summary>Gets how many subscribers the topic has on this server.</summary>
    public int SubscriberCount => _hub.GetSubscriberCount(Name);

    /// <summary>
    /// Publishes an item: it is serialized once, kept for subscribers that resume, and delivered to every subscriber.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels publishing (not delivery once published).</param>
    /// <returns>The event's id, as subscribers see it.</returns>
    /// <exception cref="SseFieldException">The item's event name is not valid or is reserved.</exception>
    /// <exception cref="SseOversizedEventException">The event would be larger than <see cref="SseHubOptions.MaxEventSize"/>; it was not published.</exception>
    /// <exception cref="SseTopicLogUnavailableException">The log cannot be reached; the event was not published.</exception>
    public ValueTask<string> PublishAsync(T item, CancellationToken cancellationToken = default) =>
        _hub.PublishAsync(Name, item, _format, cancellationToken);

    /// <summary>
    /// Subscribes in-process, for a hand-written stream that filters or merges topics: the events kept after
    /// <paramref name="lastEventId"/> (none when <see langword="null"/>), then every new one, with their hub ids.
    /// </summary>
    /// <param name="lastEventId">The id to resume after, or <see langword="null"/> for live events only.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The items with their event name and id.</returns>
    /// <exception cref="Sse.Runtime.SseResumeRejectedException">
    /// The id cannot be resumed from, or (while reading) events owed were no longer kept when this server came to read them.
    /// </exception>
    /// <exception cref="SseSubscriptionLostException">The subscription fell behind its queue's bounds, or the hub stopped; subscribe again after the last id read.</exception>
    /// <exception cref="SseTopicLogUnavailableException">The log cannot be reached.</exception>
    /// <remarks>
    /// End a subscription that is waiting for an event with <paramref name="cancellationToken"/> (or the token given to
    /// <c>GetAsyncEnumerator</c>): like every C# async iterator, its enumerator cannot be disposed while a
    /// <c>MoveNextAsync</c> is pending (that throws <see cref="NotSupportedException"/>). <c>await foreach</c> with a
    /// token does this for you.
    /// </remarks>
    public IAsyncEnumerable<SseItem<T>> SubscribeAsync(string? lastEventId = null, CancellationToken cancellationToken = default) =>
        _hub.ReadAsync(Name, _format, lastEventId, cancellationToken);
}

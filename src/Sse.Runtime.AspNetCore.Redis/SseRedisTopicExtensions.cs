using System;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>Publishing at most once per key, on the Redis topic log.</summary>
public static class SseRedisTopicExtensions
{
    /// <summary>
    /// Publishes an item at most once per <paramref name="idempotencyKey"/> within
    /// <see cref="SseRedisOptions.IdempotencyWindow"/>: a publisher that retries after a timeout, or an outbox relay that
    /// sends the same row again, gets the first publish's id back and subscribers get the event once.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="topic">The topic (from the generated publisher: <c>chat.Room("lobby")</c>).</param>
    /// <param name="item">The item.</param>
    /// <param name="idempotencyKey">What identifies this event for its publisher (an outbox row's id, a message id).</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>The event's id, as subscribers see it (the first publish's, for a repeated key).</returns>
    /// <exception cref="InvalidOperationException">The hub does not keep its topics in Redis (<c>AddSseRedis</c>).</exception>
    /// <exception cref="SseTopicLogUnavailableException">Redis cannot be reached; the event was not published.</exception>
    public static async ValueTask<string> PublishAsync<T>(this SseTopic<T> topic, T item, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var hub = topic.Hub ?? throw new ArgumentException("The topic is empty (default); get it from the generated publisher.", nameof(topic));
        var log = hub.TopicLog as RedisSseTopicLog
            ?? throw new InvalidOperationException("Publishing with an idempotency key needs the hub's topics in Redis: register them with services.AddSseRedis(configuration).");
        var content = SseTopicSerializer.Serialize(topic, item);
        return (await log.AppendAsync(topic.Name, content, idempotencyKey, cancellationToken).ConfigureAwait(false)).EventId;
    }
}

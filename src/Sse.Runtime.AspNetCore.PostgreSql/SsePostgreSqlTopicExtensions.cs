using System;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>Publishing inside your own PostgreSQL transaction (an outbox).</summary>
public static class SsePostgreSqlTopicExtensions
{
    /// <summary>
    /// Publishes an item as part of <paramref name="transaction"/>: subscribers get it only if the transaction commits,
    /// and a rollback leaves no trace, so an event can never announce a change that did not happen. The topic stays
    /// locked for other publishers until the transaction ends.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="topic">The topic (from the generated publisher: <c>chat.Room("lobby")</c>).</param>
    /// <param name="item">The item.</param>
    /// <param name="transaction">Your open transaction, on the database the topic log uses.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>The event's id, as subscribers will see it.</returns>
    /// <exception cref="InvalidOperationException">The hub does not keep its topics in PostgreSQL (<c>AddSsePostgreSql</c>).</exception>
    public static async ValueTask<string> PublishAsync<T>(this SseTopic<T> topic, T item, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var hub = topic.Hub ?? throw new ArgumentException("The topic is empty (default); get it from the generated publisher.", nameof(topic));
        var log = hub.TopicLog as PostgreSqlSseTopicLog
            ?? throw new InvalidOperationException("Publishing inside a PostgreSQL transaction needs the hub's topics in PostgreSQL: register them with services.AddSsePostgreSql(connectionString).");
        var content = SseTopicSerializer.Serialize(topic, item);
        var position = await log.AppendAsync(transaction, topic.Name, content, cancellationToken).ConfigureAwait(false);
        return position.EventId;
    }
}

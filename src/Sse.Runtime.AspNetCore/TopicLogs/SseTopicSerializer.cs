namespace Sse.Runtime.AspNetCore.TopicLogs;

/// <summary>
/// For a log that appends within the caller's own transaction (an outbox): serializes an item exactly as
/// <c>SseTopic&lt;T&gt;.PublishAsync</c> would append it, without publishing it.
/// </summary>
public static class SseTopicSerializer
{
    /// <summary>Serializes an item as its topic appends it: its validated event name and its compact data.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="topic">The topic (from the generated publisher).</param>
    /// <param name="item">The item.</param>
    /// <returns>The event's name and data.</returns>
    /// <exception cref="System.ArgumentException">The topic is empty (<see langword="default"/>).</exception>
    /// <exception cref="SseFieldException">The item's event name is not valid or is reserved.</exception>
    /// <exception cref="SseOversizedEventException">The event would be larger than <see cref="SseHubOptions.MaxEventSize"/>.</exception>
    public static SseTopicEventContent Serialize<T>(SseTopic<T> topic, T item)
    {
        var hub = topic.Hub ?? throw new System.ArgumentException("The topic is empty (default); get it from the generated publisher.", nameof(topic));
        return hub.Serialize(topic.Name, item, topic.Format);
    }
}

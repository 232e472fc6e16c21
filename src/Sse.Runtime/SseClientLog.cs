using Microsoft.Extensions.Logging;

namespace Sse.Runtime;

/// <summary>The client runtime's log messages.</summary>
internal static partial class SseClientLog
{
    /// <summary>The category generated clients log under.</summary>
    public const string Category = "Sse.Runtime.SseStreamReader";

    [LoggerMessage(1, LogLevel.Information, "Skipped event '{EventType}' (last event id '{EventId}'): the contract has no {ItemType} for that event name.", EventName = "EventSkipped")]
    public static partial void EventSkipped(ILogger logger, string eventType, string eventId, string itemType);
}

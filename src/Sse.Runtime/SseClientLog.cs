using System;
using Microsoft.Extensions.Logging;

namespace Sse.Runtime;

/// <summary>The client runtime's log messages.</summary>
internal static partial class SseClientLog
{
    /// <summary>The category generated clients log under.</summary>
    public const string Category = "Sse.Runtime.SseClient";

    [LoggerMessage(1, LogLevel.Information, "Skipped event '{EventType}' (last event id '{EventId}'): the contract has no {ItemType} for that event name.", EventName = "EventSkipped")]
    public static partial void EventSkipped(ILogger logger, string eventType, string eventId, string itemType);

    [LoggerMessage(2, LogLevel.Debug, "Stream '{Stream}' connected to {RequestUri} (HTTP/{HttpVersion}, attempt {Attempt}, Last-Event-ID '{LastEventId}').", EventName = "Connected")]
    public static partial void Connected(ILogger logger, string stream, Uri? requestUri, Version httpVersion, int attempt, string? lastEventId);

    [LoggerMessage(3, LogLevel.Warning, "Stream '{Stream}' lost its connection ({Reason}) after {EventCount} events (last event id '{LastEventId}'); reconnecting: {WillReconnect}.", EventName = "Disconnected")]
    public static partial void Disconnected(ILogger logger, string stream, SseDisconnectReason reason, long eventCount, string? lastEventId, bool willReconnect, Exception? exception);

    [LoggerMessage(4, LogLevel.Information, "Stream '{Stream}' reconnects in {DelayMs} ms (attempt {Attempt}, Last-Event-ID '{LastEventId}').", EventName = "Reconnecting")]
    public static partial void Reconnecting(ILogger logger, string stream, long delayMs, int attempt, string? lastEventId);

    [LoggerMessage(5, LogLevel.Debug, "Stream '{Stream}' ended: {How}.", EventName = "Ended")]
    public static partial void Ended(ILogger logger, string stream, string how);

    [LoggerMessage(6, LogLevel.Warning, "Stream '{Stream}' fell behind and the server dropped {Missed} events (last event id '{LastEventId}').", EventName = "Gap")]
    public static partial void Gap(ILogger logger, string stream, long missed, string lastEventId);
}

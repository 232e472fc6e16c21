using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Sse.Runtime;

/// <summary>
/// The client's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>Sse.Runtime</c>:
/// <c>sse.client.reconnects</c> (reconnection attempts) and <c>sse.client.disconnects</c> (connections lost or refused),
/// each tagged with <c>sse.stream</c> (<c>StockFeed.Prices</c>) and <c>sse.reason</c>.
/// </summary>
internal static class SseClientMetrics
{
    public const string MeterName = "Sse.Runtime";

    private static readonly Meter Meter = new(MeterName, typeof(SseClientMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("sse.client.reconnects", unit: "{attempt}", description: "Reconnection attempts of server-sent-event streams.");

    private static readonly Counter<long> Disconnects = Meter.CreateCounter<long>("sse.client.disconnects", unit: "{connection}", description: "Connections of server-sent-event streams lost or refused.");

    public static void Reconnect(string stream, SseDisconnectReason reason)
    {
        if (Reconnects.Enabled)
        {
            Reconnects.Add(1, new KeyValuePair<string, object?>("sse.stream", stream), new KeyValuePair<string, object?>("sse.reason", ReasonTag(reason)));
        }
    }

    public static void Disconnect(string stream, SseDisconnectReason reason)
    {
        if (Disconnects.Enabled)
        {
            Disconnects.Add(1, new KeyValuePair<string, object?>("sse.stream", stream), new KeyValuePair<string, object?>("sse.reason", ReasonTag(reason)));
        }
    }

    private static string ReasonTag(SseDisconnectReason reason) => reason switch
    {
        SseDisconnectReason.ConnectFailed => "connect_failed",
        SseDisconnectReason.RetryableStatus => "retryable_status",
        SseDisconnectReason.ConnectionError => "connection_error",
        SseDisconnectReason.EndOfStream => "end_of_stream",
        _ => "idle_timeout",
    };
}

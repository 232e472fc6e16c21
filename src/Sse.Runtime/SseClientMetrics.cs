using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Sse.Runtime;

/// <summary>
/// The client's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>Sse.Runtime</c> made by the
/// application's <see cref="IMeterFactory"/> (<see cref="SseClientOptions.MeterFactory"/>; a process-wide meter when there
/// is none): <c>sse.client.reconnects</c> (reconnection attempts) and <c>sse.client.disconnects</c> (connections lost or
/// refused), each tagged with <c>sse.stream</c> (<c>StockFeed.Prices</c>) and <c>sse.reason</c>; and the
/// <see cref="System.Diagnostics.ActivitySource"/> of the same name: one activity <c>sse.stream</c> per stream (not per
/// connection, nor per event), the parent of each of its HTTP requests, so the first connection and every reconnect
/// carry its trace to the server. Tagged <c>sse.stream</c>; at its end <c>sse.events</c> and <c>sse.reconnects</c>.
/// </summary>
internal sealed class SseClientMetrics
{
    public const string MeterName = "Sse.Runtime";

    private static readonly string? Version = typeof(SseClientMetrics).Assembly.GetName().Version?.ToString();
    private static readonly ConditionalWeakTable<IMeterFactory, SseClientMetrics> PerFactory = new();
    private static readonly Lazy<SseClientMetrics> Unhosted = new(static () => new SseClientMetrics(new Meter(MeterName, Version)));

    /// <summary>The source of the client's <c>sse.stream</c> activities.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName, Version);

    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _disconnects;

    private SseClientMetrics(Meter meter)
    {
        _reconnects = meter.CreateCounter<long>("sse.client.reconnects", unit: "{attempt}", description: "Reconnection attempts of server-sent-event streams.");
        _disconnects = meter.CreateCounter<long>("sse.client.disconnects", unit: "{connection}", description: "Connections of server-sent-event streams lost or refused.");
    }

    /// <summary>The instruments on <paramref name="factory"/>'s meter, one set per factory.</summary>
    public static SseClientMetrics For(IMeterFactory? factory) =>
        factory is null ? Unhosted.Value : PerFactory.GetValue(factory, static f => new SseClientMetrics(f.Create(new MeterOptions(MeterName) { Version = Version })));

    public void Reconnect(string stream, SseDisconnectReason reason)
    {
        if (_reconnects.Enabled)
        {
            _reconnects.Add(1, new KeyValuePair<string, object?>("sse.stream", stream), new KeyValuePair<string, object?>("sse.reason", ReasonTag(reason)));
        }
    }

    public void Disconnect(string stream, SseDisconnectReason reason)
    {
        if (_disconnects.Enabled)
        {
            _disconnects.Add(1, new KeyValuePair<string, object?>("sse.stream", stream), new KeyValuePair<string, object?>("sse.reason", ReasonTag(reason)));
        }
    }

    private static string ReasonTag(SseDisconnectReason reason) => reason switch
    {
        SseDisconnectReason.ConnectFailed => "connect_failed",
        SseDisconnectReason.RetryableStatus => "retryable_status",
        SseDisconnectReason.ConnectionError => "connection_error",
        SseDisconnectReason.EndOfStream => "end_of_stream",
        SseDisconnectReason.Reauthenticate => "reauthenticate",
        _ => "idle_timeout",
    };
}

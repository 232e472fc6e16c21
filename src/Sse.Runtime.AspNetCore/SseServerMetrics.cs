using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The server's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>Sse.Runtime.AspNetCore</c>, and its
/// <see cref="System.Diagnostics.ActivitySource"/> of the same name (one activity <c>sse.stream</c> per stream, not per event).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>sse.server.streams</c></term><description>open streams (up-down counter), tagged <c>sse.stream</c></description></item>
/// <item><term><c>sse.server.subscribers</c></term><description>topic subscribers on this server (up-down counter)</description></item>
/// <item><term><c>sse.server.events.published</c></term><description>events published to topics</description></item>
/// <item><term><c>sse.server.events.delivered</c></term><description>events written to streams, tagged <c>sse.stream</c></description></item>
/// <item><term><c>sse.server.bytes</c></term><description>bytes of events written to streams</description></item>
/// <item><term><c>sse.server.heartbeats</c></term><description>heartbeat comments written</description></item>
/// <item><term><c>sse.server.slow_consumers</c></term><description>subscribers that fell behind, tagged <c>sse.policy</c> (<c>disconnect</c> or <c>drop_oldest</c>)</description></item>
/// <item><term><c>sse.server.replays</c></term><description>subscriptions that resumed from a Last-Event-ID</description></item>
/// <item><term><c>sse.server.log.read_failures</c></term><description>failed reads of the topic log (delivery retries)</description></item>
/// <item><term><c>sse.server.resets</c></term><description>subscribers told <c>sse-reset</c> mid-stream: events they were owed were no longer kept</description></item>
/// <item><term><c>sse.server.log.unavailable</c></term><description>requests answered 503 because the topic log could not be reached</description></item>
/// <item><term><c>sse.server.events.refused</c></term><description>publishes refused because the event was over <c>SseHubOptions.MaxEventSize</c></description></item>
/// </list>
/// </remarks>
internal static class SseServerMetrics
{
    public const string Name = "Sse.Runtime.AspNetCore";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name, typeof(SseServerMetrics).Assembly.GetName().Version?.ToString());
    private static readonly UpDownCounter<long> Streams = Meter.CreateUpDownCounter<long>("sse.server.streams", "{stream}", "Open server-sent-event streams.");
    private static readonly UpDownCounter<long> Subscribers = Meter.CreateUpDownCounter<long>("sse.server.subscribers", "{subscriber}", "Topic subscribers on this server.");
    private static readonly Counter<long> PublishedEvents = Meter.CreateCounter<long>("sse.server.events.published", "{event}", "Events published to topics.");
    private static readonly Counter<long> DeliveredEvents = Meter.CreateCounter<long>("sse.server.events.delivered", "{event}", "Events written to streams.");
    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("sse.server.bytes", "By", "Bytes of events written to streams.");
    private static readonly Counter<long> Heartbeats = Meter.CreateCounter<long>("sse.server.heartbeats", "{heartbeat}", "Heartbeat comments written.");
    private static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>("sse.server.slow_consumers", "{subscriber}", "Topic subscribers that fell behind.");
    private static readonly Counter<long> Replays = Meter.CreateCounter<long>("sse.server.replays", "{subscription}", "Subscriptions that resumed from a Last-Event-ID.");
    private static readonly Counter<long> LogReadFailures = Meter.CreateCounter<long>("sse.server.log.read_failures", "{failure}", "Reads of the topic log that failed (delivery is retried).");
    private static readonly Counter<long> Resets = Meter.CreateCounter<long>("sse.server.resets", "{subscriber}", "Topic subscribers told sse-reset mid-stream because events they were owed were no longer kept.");
    private static readonly Counter<long> LogUnavailable = Meter.CreateCounter<long>("sse.server.log.unavailable", "{request}", "Requests answered 503 because the topic log could not be reached.");
    private static readonly Counter<long> RefusedEvents = Meter.CreateCounter<long>("sse.server.events.refused", "{event}", "Publishes refused because the event was larger than SseHubOptions.MaxEventSize.");

    public static void StreamStarted(string stream) => Streams.Add(1, new KeyValuePair<string, object?>("sse.stream", stream));

    public static void StreamEnded(string stream, long events, long bytes)
    {
        var tag = new KeyValuePair<string, object?>("sse.stream", stream);
        Streams.Add(-1, tag);
        if (events > 0)
        {
            DeliveredEvents.Add(events, tag);
            Bytes.Add(bytes, tag);
        }
    }

    public static void Published(string topic)
    {
        if (PublishedEvents.Enabled)
        {
            PublishedEvents.Add(1);
        }
    }

    public static void Subscribed(string topic, bool replayed)
    {
        Subscribers.Add(1);
        if (replayed)
        {
            Replays.Add(1);
        }
    }

    public static void Unsubscribed(string topic) => Subscribers.Add(-1);

    public static void Heartbeat() => Heartbeats.Add(1);

    public static void FellBehind(string topic, SseSlowConsumerPolicy policy) =>
        SlowConsumers.Add(1, new KeyValuePair<string, object?>("sse.policy", policy == SseSlowConsumerPolicy.Disconnect ? "disconnect" : "drop_oldest"));

    public static void LogReadFailed(string topic) => LogReadFailures.Add(1);

    public static void Reset(string topic) => Resets.Add(1);

    public static void Unavailable() => LogUnavailable.Add(1);

    public static void Refused(string topic) => RefusedEvents.Add(1);
}

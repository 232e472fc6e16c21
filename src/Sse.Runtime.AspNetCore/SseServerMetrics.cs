using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The server's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter <c>Sse.Runtime.AspNetCore</c> made by
/// the application's <see cref="IMeterFactory"/> (so each host, and each test, has its own), and its
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
internal sealed class SseServerMetrics
{
    public const string Name = "Sse.Runtime.AspNetCore";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly ConditionalWeakTable<IMeterFactory, SseServerMetrics> PerFactory = new();
    private static readonly Lazy<SseServerMetrics> Unhosted = new(static () => new SseServerMetrics(new Meter(Name, Version)));
    private static readonly string? Version = typeof(SseServerMetrics).Assembly.GetName().Version?.ToString();

    private readonly UpDownCounter<long> _streams;
    private readonly UpDownCounter<long> _subscribers;
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _heartbeats;
    private readonly Counter<long> _slowConsumers;
    private readonly Counter<long> _replays;
    private readonly Counter<long> _logReadFailures;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _logUnavailable;
    private readonly Counter<long> _refused;

    private SseServerMetrics(Meter meter)
    {
        _streams = meter.CreateUpDownCounter<long>("sse.server.streams", "{stream}", "Open server-sent-event streams.");
        _subscribers = meter.CreateUpDownCounter<long>("sse.server.subscribers", "{subscriber}", "Topic subscribers on this server.");
        _published = meter.CreateCounter<long>("sse.server.events.published", "{event}", "Events published to topics.");
        _delivered = meter.CreateCounter<long>("sse.server.events.delivered", "{event}", "Events written to streams.");
        _bytes = meter.CreateCounter<long>("sse.server.bytes", "By", "Bytes of events written to streams.");
        _heartbeats = meter.CreateCounter<long>("sse.server.heartbeats", "{heartbeat}", "Heartbeat comments written.");
        _slowConsumers = meter.CreateCounter<long>("sse.server.slow_consumers", "{subscriber}", "Topic subscribers that fell behind.");
        _replays = meter.CreateCounter<long>("sse.server.replays", "{subscription}", "Subscriptions that resumed from a Last-Event-ID.");
        _logReadFailures = meter.CreateCounter<long>("sse.server.log.read_failures", "{failure}", "Reads of the topic log that failed (delivery is retried).");
        _resets = meter.CreateCounter<long>("sse.server.resets", "{subscriber}", "Topic subscribers told sse-reset mid-stream because events they were owed were no longer kept.");
        _logUnavailable = meter.CreateCounter<long>("sse.server.log.unavailable", "{request}", "Requests answered 503 because the topic log could not be reached.");
        _refused = meter.CreateCounter<long>("sse.server.events.refused", "{event}", "Publishes refused because the event was larger than SseHubOptions.MaxEventSize.");
    }

    /// <summary>The instruments of an application: on its <see cref="IMeterFactory"/>'s meter, one set per factory.</summary>
    public static SseServerMetrics For(IServiceProvider? services) =>
        services?.GetService(typeof(IMeterFactory)) is IMeterFactory factory ? For(factory) : Unhosted.Value;

    /// <summary>The instruments on <paramref name="factory"/>'s meter (a process-wide meter when there is none).</summary>
    public static SseServerMetrics For(IMeterFactory? factory) =>
        factory is null ? Unhosted.Value : PerFactory.GetValue(factory, static f => new SseServerMetrics(f.Create(new MeterOptions(Name) { Version = Version })));

    public void StreamStarted(string stream) => _streams.Add(1, new KeyValuePair<string, object?>("sse.stream", stream));

    public void StreamEnded(string stream, long events, long bytes)
    {
        var tag = new KeyValuePair<string, object?>("sse.stream", stream);
        _streams.Add(-1, tag);
        if (events > 0)
        {
            _delivered.Add(events, tag);
            _bytes.Add(bytes, tag);
        }
    }

    public void Published()
    {
        if (_published.Enabled)
        {
            _published.Add(1);
        }
    }

    public void Subscribed(bool replayed)
    {
        _subscribers.Add(1);
        if (replayed)
        {
            _replays.Add(1);
        }
    }

    public void Unsubscribed() => _subscribers.Add(-1);

    public void Heartbeat() => _heartbeats.Add(1);

    public void FellBehind(SseSlowConsumerPolicy policy) =>
        _slowConsumers.Add(1, new KeyValuePair<string, object?>("sse.policy", policy == SseSlowConsumerPolicy.Disconnect ? "disconnect" : "drop_oldest"));

    public void LogReadFailed() => _logReadFailures.Add(1);

    public void Reset() => _resets.Add(1);

    public void Unavailable() => _logUnavailable.Add(1);

    public void Refused() => _refused.Add(1);
}

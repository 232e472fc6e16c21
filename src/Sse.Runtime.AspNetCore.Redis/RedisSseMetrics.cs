using System.Diagnostics.Metrics;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// The Redis log's instruments, on the meter <c>Sse.Runtime.AspNetCore.Redis</c>: how late wake-ups arrive, how often
/// polling found what a wake-up did not bring, reconnections, truncated reads and epoch changes.
/// </summary>
internal sealed class RedisSseMetrics
{
    public const string MeterName = "Sse.Runtime.AspNetCore.Redis";

    private readonly Histogram<double> _wakeUpLag;
    private readonly Counter<long> _caughtUp;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _truncatedReads;
    private readonly Counter<long> _epochRotations;

    public RedisSseMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _wakeUpLag = meter.CreateHistogram<double>("sse.redis.wakeup.lag", "ms", "Time from an append to its wake-up reaching this server (clocks of two servers: skew included).");
        _caughtUp = meter.CreateCounter<long>("sse.redis.catchup", "{topic}", "Polls (or reconnects) that found a topic further than its wake-ups had said: a PUB/SUB message was lost or late.");
        _reconnects = meter.CreateCounter<long>("sse.redis.reconnects", "{reconnect}", "Connections to Redis restored (subscriptions are renewed and the watched heads read again).");
        _truncatedReads = meter.CreateCounter<long>("sse.redis.truncated_reads", "{read}", "Reads after a position whose events are no longer kept.");
        _epochRotations = meter.CreateCounter<long>("sse.redis.epoch.rotations", "{topic}", "Topics whose epoch changed (history lost: expired, evicted or flushed keys, a restart without persistence, a head that went backwards).");
    }

    public void WakeUp(double lagMilliseconds) => _wakeUpLag.Record(lagMilliseconds < 0 ? 0 : lagMilliseconds);

    public void CaughtUp() => _caughtUp.Add(1);

    public void Reconnected() => _reconnects.Add(1);

    public void TruncatedRead() => _truncatedReads.Add(1);

    public void EpochRotated() => _epochRotations.Add(1);
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// What a topic log on another engine knows of its own health, for its <see cref="IHealthCheck"/>: whether its
/// listening connection (PostgreSQL's <c>LISTEN</c>, Redis's PUB/SUB) is up and since when it is not, and when it last
/// read the heads of its watched topics (the round that finds what a lost wake-up missed). Written by the log's
/// background loop, read by the check; shared by the engines' packages as source.
/// </summary>
internal sealed class SseLogHealth(TimeProvider clock)
{
    private long _lostSince;      // timestamp, 0 while listening
    private long _lastRound;      // timestamp of the last successful head round, 0 before the first
    private string? _lastError;

    /// <summary>Gets the clock.</summary>
    public TimeProvider Clock => clock;

    /// <summary>The listening connection is up.</summary>
    public void Listening()
    {
        Interlocked.Exchange(ref _lostSince, 0);
        Volatile.Write(ref _lastError, null);
    }

    /// <summary>The listening connection is lost (the first loss of an outage counts its start).</summary>
    public void Lost(Exception? error)
    {
        Interlocked.CompareExchange(ref _lostSince, Math.Max(1, clock.GetTimestamp()), 0);
        Volatile.Write(ref _lastError, error?.Message);
    }

    /// <summary>A round of head reads succeeded.</summary>
    public void RoundCompleted() => Interlocked.Exchange(ref _lastRound, Math.Max(1, clock.GetTimestamp()));

    /// <summary>
    /// The check's verdict. The engine not answering the probe is <paramref name="failureStatus"/>: publishes fail and new
    /// subscriptions answer 503. A lost listening connection, or heads not read for three poll intervals while topics
    /// are watched, is Degraded: delivery here pauses or lags (nothing is lost; it catches up when the connection is back).
    /// </summary>
    /// <param name="engine">The engine's name (<c>PostgreSQL</c>, <c>Redis</c>).</param>
    /// <param name="roundTrip">How long the probe took, when it answered.</param>
    /// <param name="probeError">Why the probe failed, or <see langword="null"/>.</param>
    /// <param name="pollInterval">The log's head poll interval.</param>
    /// <param name="watchedTopics">How many topics this server has subscribers for.</param>
    /// <param name="failureStatus">The registration's failure status.</param>
    public HealthCheckResult Evaluate(string engine, TimeSpan? roundTrip, Exception? probeError, TimeSpan pollInterval, int watchedTopics, HealthStatus failureStatus)
    {
        var lostSince = Interlocked.Read(ref _lostSince);
        var lastRound = Interlocked.Read(ref _lastRound);
        var lostFor = lostSince == 0 ? (TimeSpan?)null : clock.GetElapsedTime(lostSince);
        var roundAge = lastRound == 0 ? (TimeSpan?)null : clock.GetElapsedTime(lastRound);
        var data = new Dictionary<string, object>
        {
            ["engine"] = engine,
            ["listening"] = lostFor is null,
            ["watched_topics"] = watchedTopics,
        };
        if (roundTrip is { } rtt)
        {
            data["round_trip_ms"] = Math.Round(rtt.TotalMilliseconds, 1);
        }

        if (lostFor is { } lost)
        {
            data["lost_for_ms"] = (long)lost.TotalMilliseconds;
        }

        if (roundAge is { } age)
        {
            data["heads_read_ms_ago"] = (long)age.TotalMilliseconds;
        }

        if (probeError is not null)
        {
            return new HealthCheckResult(failureStatus, $"{engine} does not answer ({probeError.Message}): publishes fail and new subscriptions answer 503 until it does.", probeError, data);
        }

        if (lostFor is { } down)
        {
            return HealthCheckResult.Degraded(
                $"The listening connection to {engine} is lost since {Seconds(down)} s ({Volatile.Read(ref _lastError) ?? "reconnecting"}): delivery to this server's subscribers pauses until it is back; nothing is lost.",
                data: data);
        }

        var stale = pollInterval * 3;
        if (watchedTopics > 0 && roundAge is { } since && since > stale)
        {
            return HealthCheckResult.Degraded(
                $"The watched topics' heads were last read {Seconds(since)} s ago (the poll interval is {Seconds(pollInterval)} s): a lost wake-up is found late.",
                data: data);
        }

        return HealthCheckResult.Healthy(
            roundTrip is { } took ? $"{engine} answers in {took.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms; listening." : $"{engine}: listening.",
            data);
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}

using System;
using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>Registers the Redis topic log's health check.</summary>
public static class SseRedisHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of the Redis topic log (<c>builder.Services.AddHealthChecks().AddSseRedis()</c>): Healthy
    /// while Redis answers PING and the log is connected; Degraded while its connection is lost (delivery to this
    /// server's subscribers pauses, nothing is lost) or the watched topics' heads have not been read for three poll
    /// intervals; <paramref name="failureStatus"/> when Redis does not answer (publishes fail, new subscriptions
    /// answer 503). Its data: <c>listening</c>, <c>lost_for_ms</c>, <c>heads_read_ms_ago</c>, <c>round_trip_ms</c>,
    /// <c>watched_topics</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status when Redis does not answer (default Unhealthy).</param>
    /// <param name="tags">Tags to filter checks by (a readiness probe's).</param>
    /// <param name="timeout">How long the round trip may take (default 5 s).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddSseRedis(this IHealthChecksBuilder builder, string name = "sse-redis", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new RedisSseHealthCheck(services),
            failureStatus ?? HealthStatus.Unhealthy,
            tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}

using System;
using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>Registers the PostgreSQL topic log's health check.</summary>
public static class SsePostgreSqlHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of the PostgreSQL topic log (<c>builder.Services.AddHealthChecks().AddSsePostgreSql()</c>): Healthy
    /// while the database answers and the log listens; Degraded while its listening connection is lost (delivery to this
    /// server's subscribers pauses, nothing is lost) or the watched topics' heads have not been read for three poll
    /// intervals; <paramref name="failureStatus"/> when the database does not answer (publishes fail, new subscriptions
    /// answer 503). Its data: <c>listening</c>, <c>lost_for_ms</c>, <c>heads_read_ms_ago</c>, <c>round_trip_ms</c>,
    /// <c>watched_topics</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status when the database does not answer (default Unhealthy).</param>
    /// <param name="tags">Tags to filter checks by (a readiness probe's).</param>
    /// <param name="timeout">How long the round trip may take (default 5 s).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddSsePostgreSql(this IHealthChecksBuilder builder, string name = "sse-postgresql", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new PostgreSqlSseHealthCheck(services),
            failureStatus ?? HealthStatus.Unhealthy,
            tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}

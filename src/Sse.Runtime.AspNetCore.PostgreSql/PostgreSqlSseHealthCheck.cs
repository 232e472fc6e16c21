using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>
/// The PostgreSQL topic log's health: a round trip to the database (<c>SELECT 1</c>), the listening connection's state
/// and how long ago the watched topics' heads were read (see <see cref="SsePostgreSqlHealthChecksBuilderExtensions"/>).
/// </summary>
internal sealed class PostgreSqlSseHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var log = services.GetService<PostgreSqlSseTopicLog>();
        if (log is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The PostgreSQL topic log is not registered (AddSsePostgreSql).");
        }

        TimeSpan? roundTrip = null;
        Exception? error = null;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var probe = log.DataSource.CreateCommand("SELECT 1");
            await using (probe.ConfigureAwait(false))
            {
                await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            roundTrip = Stopwatch.GetElapsedTime(started);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or TimeoutException or InvalidOperationException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error = ex;
        }

        return log.Health.Evaluate("PostgreSQL", roundTrip, error, log.Options.PollInterval, log.WatchedTopics().Length, context.Registration.FailureStatus);
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// The Redis topic log's health: a <c>PING</c>, the connection's state and how long ago the watched topics' heads were
/// read (see <see cref="SseRedisHealthChecksBuilderExtensions"/>).
/// </summary>
internal sealed class RedisSseHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var log = services.GetService<RedisSseTopicLog>();
        if (log is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The Redis topic log is not registered (AddSseRedis).");
        }

        if (log.ConnectionOrNull is not { } connection)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The Redis topic log is not initialized yet (it connects at start-up).");
        }

        TimeSpan? roundTrip = null;
        Exception? error = null;
        try
        {
            roundTrip = await connection.GetDatabase(log.Options.Database).PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error = ex;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = new TimeoutException("PING did not answer within the check's timeout.");
        }

        return log.Health.Evaluate("Redis", roundTrip, error, log.Options.PollInterval, log.WatchedTopics().Length, context.Registration.FailureStatus);
    }
}

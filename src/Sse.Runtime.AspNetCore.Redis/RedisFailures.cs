using System;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>Tells the failures that mean "Redis cannot be reached now" (503 and a retry) from those of a request.</summary>
internal static class RedisFailures
{
    /// <summary>How long a client is told to wait before it tries again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether the failure is Redis's, not the request's: no connection, a timeout, or a server that refuses writes for
    /// now (out of memory under <c>noeviction</c>, loading its data after a restart, a replica during a failover).
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Message.StartsWith("OOM", StringComparison.Ordinal)
            || server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The failure as the hub understands it.</summary>
    public static Exception Translate(Exception exception, string doing) =>
        IsUnavailable(exception)
            ? new SseTopicLogUnavailableException($"The Redis topic log cannot be reached while {doing}: {exception.Message}", exception, RetryAfter)
            : exception;
}

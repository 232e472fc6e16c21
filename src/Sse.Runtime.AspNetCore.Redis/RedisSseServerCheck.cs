using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// At start-up, says in the log what the Redis server's settings mean for topics: without AOF a restart loses every
/// topic's history (subscribers re-synchronise with <c>sse-reset</c>); with an eviction policy other than
/// <c>noeviction</c> memory pressure can take a topic's keys (the same, for that topic). Best effort: a server that
/// refuses <c>CONFIG</c> (a managed one) or is down is not checked.
/// </summary>
internal static partial class RedisSseServerCheck
{
    public static async Task WarnAboutSettingsAsync(IConnectionMultiplexer connection, ILogger logger)
    {
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }

            try
            {
                // INFO, not CONFIG: it needs no admin mode and managed servers answer it.
                string? appendOnly = null, policy = null;
                foreach (var section in await server.InfoAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false))
                {
                    foreach (var (name, value) in section)
                    {
                        if (name == "aof_enabled")
                        {
                            appendOnly = value == "1" ? "yes" : "no";
                        }
                        else if (name == "maxmemory_policy")
                        {
                            policy = value;
                        }
                    }
                }

                if (appendOnly is "no")
                {
                    Log.NoAppendOnly(logger, endpoint.ToString() ?? "?");
                }

                if (policy is not null and not "noeviction")
                {
                    Log.Evicting(logger, endpoint.ToString() ?? "?", policy);
                }
            }
            catch (Exception ex) when (ex is RedisException or RedisCommandException or TimeoutException)
            {
                // CONFIG is renamed, refused or not enabled on the connection: the settings are the operator's to know.
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7, LogLevel.Warning, "Redis at {Endpoint} runs without AOF (appendonly no): a restart loses every topic's history, and subscribers re-synchronise (sse-reset). Set appendonly yes to resume across restarts.", EventName = "NoAppendOnly")]
        public static partial void NoAppendOnly(ILogger logger, string endpoint);

        [LoggerMessage(8, LogLevel.Warning, "Redis at {Endpoint} evicts keys under memory pressure (maxmemory-policy {Policy}): a topic whose keys are evicted loses its history, and its subscribers re-synchronise (sse-reset). Use noeviction for the topics' keys.", EventName = "Evicting")]
        public static partial void Evicting(ILogger logger, string endpoint, string policy);
    }
}

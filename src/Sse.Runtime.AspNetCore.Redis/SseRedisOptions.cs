using System;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>Where the Redis topic log keeps topics, and how it watches them.</summary>
public sealed class SseRedisOptions
{
    private string _keyPrefix = "sse:";
    private TimeSpan _pollInterval = TimeSpan.FromSeconds(2);
    private TimeSpan _topicExpiry = TimeSpan.FromDays(1);
    private TimeSpan _idempotencyWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string (<c>localhost:6379</c>, <c>host1,host2,password=…</c>),
    /// when the log makes its own connection. <c>abortConnect=false</c> is implied: a server that starts while Redis is
    /// down answers 503 until it is back, then catches up.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets a connection the application already has (one multiplexer per process is the rule), used instead of
    /// <see cref="Configuration"/>. The log does not dispose it.
    /// </summary>
    public IConnectionMultiplexer? Multiplexer { get; set; }

    /// <summary>Gets or sets the database number, or -1 for the connection's default. Default -1. (Redis Cluster has only 0.)</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// Gets or sets what every key and channel of the log starts with, so that several applications share one Redis.
    /// Default <c>sse:</c>. It must not contain <c>{</c> or <c>}</c> (the topic's hash tag follows it).
    /// </summary>
    /// <exception cref="ArgumentException">The prefix contains <c>{</c> or <c>}</c>.</exception>
    public string KeyPrefix
    {
        get => _keyPrefix;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.AsSpan().IndexOfAny('{', '}') >= 0)
            {
                throw new ArgumentException($"The key prefix '{value}' contains '{{' or '}}'; the topic's hash tag comes after it, so the prefix must not have one.", nameof(value));
            }

            _keyPrefix = value;
        }
    }

    /// <summary>
    /// Gets or sets how often each server reads the heads of its subscribed topics, so that a wake-up PUB/SUB dropped
    /// (a reconnect, a failover, a killed subscription) delays delivery by at most this much but never loses it; the
    /// heads are also read right after every reconnect. Default 2 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _pollInterval = value;
        }
    }

    /// <summary>
    /// Gets or sets how long a topic's keys (its counter, epoch and events) live after its last append while no server
    /// watches it; a watched topic's keys are kept alive by the poll. A topic that expired starts again with a new
    /// epoch, so an id from before is refused (the client re-synchronises) rather than misread. At least
    /// <see cref="SseHubOptions.ReplayAge"/> is used. Default 1 day.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan TopicExpiry
    {
        get => _topicExpiry;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _topicExpiry = value;
        }
    }

    /// <summary>
    /// Gets or sets how long an idempotency key is remembered: an append with a key seen within this window returns the
    /// first append's position instead of appending again. Default 1 hour.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan IdempotencyWindow
    {
        get => _idempotencyWindow;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _idempotencyWindow = value;
        }
    }

    /// <summary>
    /// Gets or sets whether wake-ups go over sharded PUB/SUB (<c>SPUBLISH</c>/<c>SSUBSCRIBE</c>, Redis 7), which a Redis
    /// Cluster delivers within the topic's shard instead of broadcasting to every node. <see langword="null"/> (the
    /// default): when the server is a cluster.
    /// </summary>
    public bool? ShardedPubSub { get; set; }
}

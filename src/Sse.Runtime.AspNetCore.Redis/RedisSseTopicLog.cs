using System;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore.TopicLogs;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// An <see cref="ISseTopicLog"/> on Redis, for several server processes behind a load balancer. Each topic is a stream
/// and a small metadata hash (its epoch and its counter) under one hash tag: one script increments the counter, adds the
/// event at that position, trims by count and age, refreshes the expiry and only then publishes the new head, so an
/// event is always kept before anyone hears of it. Each server holds one connection (a multiplexer) and one
/// subscription per topic it has subscribers for, and also reads those topics' heads every
/// <see cref="SseRedisOptions.PollInterval"/> and after every reconnect: a wake-up PUB/SUB lost (a reconnect, a
/// failover, a killed subscription) delays delivery, never loses it.
/// </summary>
/// <remarks>
/// <para>Register it with <c>services.AddSseRedis("localhost:6379")</c>.</para>
/// <para>Each topic has its own epoch, stored with its counter. When the counter could have started again (the keys
/// expired, were evicted or flushed, Redis restarted without persistence) the topic gets a new epoch, so an id from
/// before is refused with <c>sse-reset</c> instead of pointing at another event; and when a server sees a watched
/// topic's head go backwards (writes acknowledged but lost in a crash before they were persisted) it starts a new epoch
/// too. Run Redis with <c>appendonly yes</c> and <c>maxmemory-policy noeviction</c> to keep history across restarts and
/// under memory pressure (docs/guide/several-servers.md).</para>
/// </remarks>
public sealed partial class RedisSseTopicLog : ISseTopicLog, IAsyncDisposable, IDisposable
{
    private readonly SseRedisOptions _options;
    private readonly SseHubOptions _hubOptions;
    private readonly ILogger _logger;
    private readonly RedisSseKeys _keys;
    private readonly SseTopicWatchers _watchers;
    private readonly RedisSseMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, Action<RedisChannel, RedisValue>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SseTopicPosition> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private IConnectionMultiplexer? _connection;
    private bool _ownsConnection;
    private bool _sharded;
    private RedisSsePoller? _poller;
    private int _disposed;

    /// <summary>Creates the log.</summary>
    /// <param name="options">Where Redis is and how to use it.</param>
    /// <param name="hubOptions">The retention limits (<see cref="SseHubOptions.ReplayCount"/>, <see cref="SseHubOptions.ReplayAge"/>).</param>
    /// <param name="logger">Logs connection losses and the server's settings, or <see langword="null"/>.</param>
    /// <param name="meterFactory">Makes the log's meter (<c>Sse.Runtime.AspNetCore.Redis</c>), or <see langword="null"/> for a process-wide one.</param>
    /// <param name="timeProvider">The clock of the events' timestamps and the age limit, or <see langword="null"/> for the system's.</param>
    /// <exception cref="ArgumentException">Neither a connection nor a configuration string is set.</exception>
    public RedisSseTopicLog(IOptions<SseRedisOptions> options, IOptions<SseHubOptions> hubOptions, ILogger<RedisSseTopicLog>? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hubOptions);
        _options = options.Value;
        _hubOptions = hubOptions.Value;
        if (_options.Multiplexer is null && string.IsNullOrEmpty(_options.Configuration))
        {
            throw new ArgumentException("The Redis topic log needs a configuration string or a connection: services.AddSseRedis(\"localhost:6379\").", nameof(options));
        }

        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _keys = new RedisSseKeys(_options.KeyPrefix);
        _metrics = new RedisSseMetrics(meterFactory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _watchers = new SseTopicWatchers(SubscribeAsync, UnsubscribeAsync);
    }

    /// <summary>Gets the connection the log uses (after <see cref="InitializeAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">The log was not initialized.</exception>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The Redis topic log is not initialized yet: AddSseRedis initializes it at start-up, or call InitializeAsync first.");

    internal SseRedisOptions Options => _options;

    internal ILogger Logger => _logger;

    /// <summary>Gets what the health check reports: the connection and the head rounds.</summary>
    internal SseLogHealth Health { get; } = new(TimeProvider.System);

    /// <summary>Gets the connection, or <see langword="null"/> before the log is initialized.</summary>
    internal IConnectionMultiplexer? ConnectionOrNull => _connection;

    internal RedisSseMetrics Metrics => _metrics;

    /// <summary>The keys' time to live: the topic expiry, and never less than the events' age limit.</summary>
    private long TimeToLiveMilliseconds => (long)Math.Max(_options.TopicExpiry.TotalMilliseconds, _hubOptions.ReplayAge.TotalMilliseconds);

    /// <summary>
    /// Connects (a server started while Redis is down goes on, answering 503 until it is back), and starts the poll of
    /// watched topics. Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the log is ready.</returns>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _poller) is not null)
        {
            return;
        }

        await _initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_poller is not null)
            {
                return;
            }

            if (_options.Multiplexer is { } multiplexer)
            {
                _connection = multiplexer;
            }
            else
            {
                var configuration = ConfigurationOptions.Parse(_options.Configuration!);
                configuration.AbortOnConnectFail = false;
                _connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
                _ownsConnection = true;
            }

            _sharded = _options.ShardedPubSub ?? IsCluster(_connection);
            _connection.ConnectionRestored += OnConnectionRestored;
            _connection.ConnectionFailed += OnConnectionFailed;
            if (_connection.IsConnected)
            {
                Health.Listening();
            }
            else
            {
                Health.Lost(null);
            }
            await RedisSseServerCheck.WarnAboutSettingsAsync(_connection, _logger).ConfigureAwait(false);
            Volatile.Write(ref _poller, new RedisSsePoller(this, _stopping.Token));
            Log.Started(_logger, _options.KeyPrefix, _sharded ? "sharded" : "classic");
        }
        finally
        {
            _initialization.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="SseTopicLogUnavailableException">Redis cannot be reached, or refuses writes (out of memory, loading).</exception>
    public ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, CancellationToken cancellationToken) =>
        AppendCoreAsync(topic, content, idempotencyKey: null, cancellationToken);

    /// <summary>
    /// Appends an event at most once per <paramref name="idempotencyKey"/>: a retry (after a timeout whose first try did
    /// reach Redis, or an outbox relaying the same row again) within <see cref="SseRedisOptions.IdempotencyWindow"/>
    /// returns the first append's position, in the same script, so subscribers never get the event twice.
    /// </summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="content">The event's name and data.</param>
    /// <param name="idempotencyKey">What identifies the event for its publisher (an outbox row's id, a message id).</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The epoch and position of the event: the first append's, for a repeated key.</returns>
    /// <exception cref="SseTopicLogUnavailableException">Redis cannot be reached, or refuses writes.</exception>
    public ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        return AppendCoreAsync(topic, content, idempotencyKey, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="SseTopicLogUnavailableException">Redis cannot be reached.</exception>
    public async ValueTask<SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var result = await EvaluateAsync(topic, RedisSseScripts.Head, _keys.For(topic).Keys, [NewEpoch(), TimeToLiveMilliseconds, AgeCutoff(), "0"], "reading the head of", cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        return new SseTopicHead((string)parts[0]!, (long)parts[1], (long)parts[2]);
    }

    /// <inheritdoc />
    /// <exception cref="SseTopicLogUnavailableException">Redis cannot be reached.</exception>
    public async ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var first = afterPosition is >= 0 and < long.MaxValue ? (afterPosition + 1).ToString(CultureInfo.InvariantCulture) + "-0" : string.Empty;
        var result = await EvaluateAsync(topic, RedisSseScripts.Read, _keys.For(topic).Keys, [NewEpoch(), TimeToLiveMilliseconds, AgeCutoff(), first, Math.Max(1, maxCount)], "reading", cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var epoch = (string)parts[0]!;
        var head = (long)parts[1];
        var discardedUpTo = (long)parts[2];
        var truncated = afterPosition < discardedUpTo || afterPosition > head;
        if (truncated)
        {
            _metrics.TruncatedRead();
            return new SseTopicRead(epoch, [], head, IsTruncated: true);
        }

        var entries = (RedisResult[])parts[3]!;
        var events = new SseTopicEvent[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            events[i] = ParseEntry((RedisResult[])entries[i]!);
        }

        return new SseTopicRead(epoch, events, head, IsTruncated: false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The first watcher of a topic on this server subscribes to its channel (the connection's one subscription
    /// socket; never one per HTTP stream), the last one to leave unsubscribes.
    /// </remarks>
    public ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<SseTopicPosition> onAppended, CancellationToken cancellationToken) =>
        _watchers.AddAsync(topic, onAppended, cancellationToken);

    /// <summary>Stops polling, unhooks from the connection and, when the log made it, closes it. Safe to call more than once.</summary>
    /// <returns>A task that completes when the poll stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _poller) is { } poller)
        {
            await poller.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is { } connection)
        {
            connection.ConnectionRestored -= OnConnectionRestored;
            connection.ConnectionFailed -= OnConnectionFailed;
            if (_ownsConnection)
            {
                await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                connection.Dispose();
            }
            else
            {
                foreach (var (topic, handler) in _handlers)
                {
                    try
                    {
                        await connection.GetSubscriber().UnsubscribeAsync(Channel(topic), handler).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        // The connection is away: its subscriptions went with it.
                    }
                }
            }
        }
    }

    /// <summary>Stops polling and waits for it, for a container disposed synchronously (<see cref="DisposeAsync"/> is the better one).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The topics this server watches.</summary>
    internal string[] WatchedTopics() => _watchers.GetTopics();

    /// <summary>
    /// Reads a watched topic's head (refreshing its keys' expiry), tells its watchers, and starts a new epoch when the
    /// head went backwards in the same epoch.
    /// </summary>
    internal async Task PollAsync(string topic, CancellationToken cancellationToken)
    {
        // What this server had seen before it asked: Redis ran those appends before this read, so a smaller head now
        // means writes were lost. (A wake-up arriving while the read is on its way is newer than the read.)
        var hadSeen = _seen.TryGetValue(topic, out var seen);
        var result = await EvaluateAsync(topic, RedisSseScripts.Head, _keys.For(topic).Keys, [NewEpoch(), TimeToLiveMilliseconds, AgeCutoff(), "1"], "polling", cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var now = new SseTopicPosition((string)parts[0]!, (long)parts[1]);
        if (hadSeen)
        {
            if (seen.Epoch == now.Epoch && now.Position < seen.Position)
            {
                // Positions this server saw are gone: they may be handed out again, so they must not keep their meaning.
                var rotated = await EvaluateAsync(topic, RedisSseScripts.Rotate, _keys.For(topic).Keys, [NewEpoch(), now.Epoch, NewEpoch(), TimeToLiveMilliseconds], "renewing the epoch of", cancellationToken).ConfigureAwait(false);
                Log.HeadWentBack(_logger, topic, seen.Position, now.Position);
                now = now with { Epoch = (string)rotated! };
            }
            else if (seen.Epoch == now.Epoch && now.Position > seen.Position)
            {
                _metrics.CaughtUp();
            }

            if (seen.Epoch != now.Epoch)
            {
                _metrics.EpochRotated();
            }
        }

        Announce(topic, now);
    }

    private async ValueTask<SseTopicPosition> AppendCoreAsync(string topic, SseTopicEventContent content, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var keys = _keys.For(topic);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        RedisValue[] arguments =
        [
            NewEpoch(),
            content.EventType ?? string.Empty,
            content.EventType is null ? "0" : "1",
            content.Data,
            now,
            Math.Max(1, _hubOptions.ReplayCount),
            TimeToLiveMilliseconds,
            AgeCutoff(),
            keys.Channel,
            _sharded ? "SPUBLISH" : "PUBLISH",
            idempotencyKey is null ? 0 : (long)_options.IdempotencyWindow.TotalMilliseconds,
        ];
        var result = await EvaluateAsync(topic, RedisSseScripts.Append, idempotencyKey is null ? keys.Keys : keys.KeysWithDedupe(idempotencyKey), arguments, "appending to", cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        return new SseTopicPosition((string)parts[0]!, (long)parts[1]);
    }

    private async Task<RedisResult> EvaluateAsync(string topic, string script, RedisKey[] keys, RedisValue[] arguments, string doing, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _connection!.GetDatabase(_options.Database).ScriptEvaluateAsync(script, keys, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw RedisFailures.Translate(ex, doing + " topic '" + topic + "'");
        }
    }

    private static SseTopicEvent ParseEntry(RedisResult[] entry)
    {
        var id = (string)entry[0]!;
        var position = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
        var fields = (RedisResult[])entry[1]!;
        long timestamp = 0;
        string? eventType = null;
        byte[] data = [];
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string)fields[i]!)
            {
                case "t":
                    timestamp = (long)fields[i + 1];
                    break;
                case "d":
                    data = (byte[])fields[i + 1]! ?? [];
                    break;
                case "e":
                    eventType = (string)fields[i + 1]!;
                    break;
            }
        }

        return new SseTopicEvent(position, eventType, data, DateTimeOffset.FromUnixTimeMilliseconds(timestamp));
    }

    private long AgeCutoff() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - (long)_hubOptions.ReplayAge.TotalMilliseconds;

    /// <summary>A fresh epoch, taken by a script only when the topic has none: 12 hex digits.</summary>
    private static string NewEpoch() => Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();

    private static bool IsCluster(IConnectionMultiplexer connection)
    {
        foreach (var endpoint in connection.GetEndPoints())
        {
            if (connection.GetServer(endpoint).ServerType == ServerType.Cluster)
            {
                return true;
            }
        }

        return false;
    }

    private RedisChannel Channel(string topic)
    {
        var name = _keys.For(topic).Channel;
        return _sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
    }

    private void Announce(string topic, SseTopicPosition position)
    {
        if (_watchers.IsWatched(topic))
        {
            _seen.AddOrUpdate(topic, position, (_, old) => old.Epoch == position.Epoch && old.Position > position.Position ? old : position);
        }

        _watchers.Notify(topic, position);
    }

    private async ValueTask SubscribeAsync(string topic, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        Action<RedisChannel, RedisValue> handler = (_, message) => OnMessage(topic, message);
        try
        {
            await _connection!.GetSubscriber().SubscribeAsync(Channel(topic), handler).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw RedisFailures.Translate(ex, "subscribing to topic '" + topic + "'");
        }

        _handlers[topic] = handler;
    }

    private async ValueTask UnsubscribeAsync(string topic)
    {
        _seen.TryRemove(topic, out _);
        if (_handlers.TryRemove(topic, out var handler) && Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                await _connection!.GetSubscriber().UnsubscribeAsync(Channel(topic), handler).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                // The connection is away: a subscription is not renewed for a handler that is gone.
            }
        }
    }

    /// <summary>A wake-up: "{epoch}:{head}:{milliseconds at the append}".</summary>
    private void OnMessage(string topic, RedisValue message)
    {
        var text = (string?)message;
        if (text is null)
        {
            return;
        }

        var first = text.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(':', first + 1);
        if (first <= 0 || second < 0
            || !long.TryParse(text.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var head))
        {
            return;
        }

        if (long.TryParse(text.AsSpan(second + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var appendedAt))
        {
            _metrics.WakeUp(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - appendedAt);
        }

        Announce(topic, new SseTopicPosition(text[..first], head));
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _metrics.Reconnected();
        Log.Reconnected(_logger, _options.KeyPrefix, e.ConnectionType.ToString());
        if (_connection?.IsConnected == true)
        {
            Health.Listening();
        }

        // Whatever was published while a connection was down is found by reading the heads now.
        Volatile.Read(ref _poller)?.PollNow();
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        Health.Lost(e.Exception);
        Log.ConnectionLost(_logger, _options.KeyPrefix, e.ConnectionType.ToString(), e.FailureType.ToString(), e.Exception);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Redis topic log ready (key prefix '{Prefix}', {PubSub} PUB/SUB).", EventName = "Started")]
        public static partial void Started(ILogger logger, string prefix, string pubSub);

        [LoggerMessage(2, LogLevel.Warning, "The Redis topic log (key prefix '{Prefix}') lost its {Connection} connection ({Failure}); delivery pauses until it is back, nothing is lost.", EventName = "ConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, string prefix, string connection, string failure, Exception? exception);

        [LoggerMessage(3, LogLevel.Information, "The Redis topic log (key prefix '{Prefix}') has its {Connection} connection again and is catching up.", EventName = "Reconnected")]
        public static partial void Reconnected(ILogger logger, string prefix, string connection);

        [LoggerMessage(4, LogLevel.Warning, "Topic '{Topic}' went back from position {Seen} to {Now} on Redis (writes lost before they were persisted); it starts a new epoch, and its subscribers re-synchronise (sse-reset).", EventName = "HeadWentBack")]
        public static partial void HeadWentBack(ILogger logger, string topic, long seen, long now);
    }
}

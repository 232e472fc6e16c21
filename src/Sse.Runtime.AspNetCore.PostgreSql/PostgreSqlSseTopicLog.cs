using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>
/// An <see cref="ISseTopicLog"/> on PostgreSQL, for several server processes behind a load balancer: every event is a
/// row of a durable log with a per-topic, strictly increasing position assigned in the publishing transaction, so any
/// server can deliver it and resume any client. <c>LISTEN/NOTIFY</c> only wakes the servers up ("topic X reached
/// position N"; the payload is never the event); each server also reads the heads of its subscribed topics every
/// <see cref="SsePostgreSqlOptions.PollInterval"/>, so a notification lost while its listener reconnects (a database
/// restart, a failover) delays delivery but never loses it.
/// </summary>
/// <remarks>
/// Register it with <c>services.AddSsePostgreSql(connectionString)</c>. Publishing inside your own transaction (an
/// outbox: the event is delivered only if your change commits) is
/// <see cref="SsePostgreSqlTopicExtensions.PublishAsync{T}(SseTopic{T}, T, NpgsqlTransaction, CancellationToken)"/>.
/// </remarks>
public sealed partial class PostgreSqlSseTopicLog : ISseTopicLog, IAsyncDisposable, IDisposable
{
    /// <summary>NOTIFY payloads are limited to 8000 bytes; a longer topic name is left to polling.</summary>
    internal const int MaxPayloadTopicBytes = 7900;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly SsePostgreSqlOptions _options;
    private readonly SseHubOptions _hubOptions;
    private readonly PostgreSqlSseSql _sql;
    private readonly PostgreSqlAppendBatcher _batcher;
    private readonly ILogger _logger;
    private readonly SseTopicWatchers _watchers;
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private PostgreSqlSseListener? _listener;
    private string? _epoch;
    private int _disposed;

    /// <summary>Creates the log.</summary>
    /// <param name="options">Where the database is and how to use it.</param>
    /// <param name="hubOptions">The retention limits (<see cref="SseHubOptions.ReplayCount"/>, <see cref="SseHubOptions.ReplayAge"/>).</param>
    /// <param name="logger">Logs the listener's reconnections and retention, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Neither a data source nor a connection string is set.</exception>
    public PostgreSqlSseTopicLog(IOptions<SsePostgreSqlOptions> options, IOptions<SseHubOptions> hubOptions, ILogger<PostgreSqlSseTopicLog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hubOptions);
        _options = options.Value;
        _hubOptions = hubOptions.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (_options.DataSource is { } dataSource)
        {
            _dataSource = dataSource;
        }
        else if (!string.IsNullOrEmpty(_options.ConnectionString))
        {
            _dataSource = NpgsqlDataSource.Create(_options.ConnectionString);
            _ownsDataSource = true;
        }
        else
        {
            throw new ArgumentException("The PostgreSQL topic log needs a connection string or a data source: services.AddSsePostgreSql(\"Host=...;Database=...\").", nameof(options));
        }

        _sql = new PostgreSqlSseSql(_options.Schema);
        _batcher = new PostgreSqlAppendBatcher(_dataSource, _sql, Announce);
        _watchers = new SseTopicWatchers(LeaseAsync);
    }

    /// <summary>Gets the SQL that creates the log's schema (what start-up runs when <see cref="SsePostgreSqlOptions.CreateSchema"/> is on), for a migration.</summary>
    public string SchemaScript => _sql.Schema;

    /// <summary>Gets the log's epoch, the same for every topic: a new database (or a wiped one) is a new epoch.</summary>
    /// <exception cref="InvalidOperationException">The log was not initialized (<see cref="InitializeAsync"/>; the host does it at start-up).</exception>
    public string Epoch => _epoch ?? throw new InvalidOperationException("The PostgreSQL topic log is not initialized yet: it reads its epoch at start-up (AddSsePostgreSql registers that), or call InitializeAsync first.");

    internal NpgsqlDataSource DataSource => _dataSource;

    internal PostgreSqlSseSql Sql => _sql;

    internal SseHubOptions HubOptions => _hubOptions;

    internal SsePostgreSqlOptions Options => _options;

    internal ILogger Logger => _logger;

    /// <summary>Gets what the health check reports: the listening connection and the head rounds.</summary>
    internal SseLogHealth Health { get; } = new(TimeProvider.System);

    /// <summary>
    /// Creates the schema when it is missing (and <see cref="SsePostgreSqlOptions.CreateSchema"/> is on), reads the
    /// epoch, and starts listening for other servers' events. Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the log is ready.</returns>
    /// <exception cref="InvalidOperationException">PostgreSQL cannot be reached, or the schema is missing.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_epoch is not null)
        {
            return;
        }

        await _initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_epoch is not null)
            {
                return;
            }

            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                if (_options.CreateSchema && !await SchemaIsCurrentAsync(connection, cancellationToken).ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using var transactionScope = transaction.ConfigureAwait(false);
                    var lockCommand = new NpgsqlCommand(_sql.Lock, connection, transaction) { Parameters = { new() { Value = _options.Schema + " schema" } } };
                    await using (lockCommand.ConfigureAwait(false))
                    {
                        await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var create = new NpgsqlCommand(_sql.Schema, connection, transaction);
                    await using (create.ConfigureAwait(false))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                var epoch = new NpgsqlCommand(_sql.Epoch, connection);
                await using var epochScope = epoch.ConfigureAwait(false);
                _epoch = await epoch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                    ?? throw new InvalidOperationException($"The table {_options.Schema}.epoch is empty; run the log's schema script (PostgreSqlSseTopicLog.SchemaScript).");
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                throw new InvalidOperationException($"The schema '{_options.Schema}' of the PostgreSQL topic log does not exist and CreateSchema is off; run PostgreSqlSseTopicLog.SchemaScript in a migration.", ex);
            }
            catch (Exception ex) when (ex is NpgsqlException && ex is not PostgresException)
            {
                throw new InvalidOperationException($"The PostgreSQL topic log cannot reach its database ({Describe(_dataSource.ConnectionString)}): {ex.Message}", ex);
            }

            _listener = new PostgreSqlSseListener(this, _stopping.Token);
            Log.Started(_logger, _options.Schema, _epoch);
        }
        finally
        {
            _initialization.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The topic's name contains NUL, which PostgreSQL text cannot hold.</exception>
    public async ValueTask<SseTopicPosition> AppendAsync(string topic, SseTopicEventContent content, CancellationToken cancellationToken)
    {
        ThrowIfNotStorable(topic);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        // Committed together with the appends waiting at the same time; this server's subscribers are told at once,
        // without waiting for the notification's round trip. A failure that is the database's comes back as
        // SseTopicLogUnavailableException (the batcher translates it).
        return new SseTopicPosition(Epoch, await _batcher.AppendAsync(topic, content.EventType, content.Data, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Appends an event within the caller's transaction: it becomes visible, and every server (this one included) is
    /// told, only when that transaction commits; a rollback leaves no trace. The topic's row stays locked until then,
    /// so keep the transaction short.
    /// </summary>
    /// <param name="transaction">The caller's open transaction, on a connection to the log's database.</param>
    /// <param name="topic">The topic's name.</param>
    /// <param name="content">The event's name and data (<see cref="SseTopicSerializer.Serialize"/> makes them from an item).</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The event's epoch and position in the topic.</returns>
    /// <exception cref="ArgumentException">The transaction is already completed, or the topic's name contains NUL.</exception>
    public async ValueTask<SseTopicPosition> AppendAsync(NpgsqlTransaction transaction, string topic, SseTopicEventContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ThrowIfNotStorable(topic);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction is already completed.", nameof(transaction));
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new SseTopicPosition(Epoch, await AppendCoreAsync(connection, transaction, topic, content.EventType, content.Data, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Translate(ex, "appending to topic '" + topic + "'");
        }
    }

    private async Task<long> AppendCoreAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string topic, string? eventType, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_sql.Append, connection, transaction)
        {
            Parameters =
            {
                new() { Value = topic },
                new() { Value = (object?)eventType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = data, NpgsqlDbType = NpgsqlDbType.Bytea },
                new() { Value = _sql.Channel },
                new() { Value = Encoding.UTF8.GetByteCount(topic) <= MaxPayloadTopicBytes ? topic : string.Empty },
            },
        };
        await using var commandScope = command.ConfigureAwait(false);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    /// <exception cref="SseTopicLogUnavailableException">The database cannot be reached.</exception>
    public async ValueTask<SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken)
    {
        var (head, evictedUpTo, _) = await ReadRowsAsync(topic, 0, 0, cancellationToken).ConfigureAwait(false);
        return new SseTopicHead(Epoch, head, evictedUpTo);
    }

    /// <inheritdoc />
    /// <exception cref="SseTopicLogUnavailableException">The database cannot be reached.</exception>
    public async ValueTask<SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        var (head, evictedUpTo, events) = await ReadRowsAsync(topic, afterPosition, Math.Max(1, maxCount), cancellationToken).ConfigureAwait(false);
        return new SseTopicRead(Epoch, events, head, IsTruncated: afterPosition < evictedUpTo || afterPosition > head);
    }

    /// <summary>The topic's head, its retention mark and the events asked for, in one snapshot.</summary>
    private async Task<(long Head, long EvictedUpTo, List<SseTopicEvent> Events)> ReadRowsAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = _dataSource.CreateCommand(_sql.Read);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new() { Value = topic });
            command.Parameters.Add(new() { Value = afterPosition });
            command.Parameters.Add(new() { Value = maxCount });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The table {_options.Schema}.epoch is empty; run the log's schema script (PostgreSqlSseTopicLog.SchemaScript).");
            }

            var head = reader.GetInt64(0);
            var evictedUpTo = reader.GetInt64(1);
            var events = new List<SseTopicEvent>();
            do
            {
                if (!reader.IsDBNull(2))
                {
                    events.Add(new SseTopicEvent(
                        reader.GetInt64(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.GetFieldValue<byte[]>(4),
                        reader.GetFieldValue<DateTimeOffset>(5)));
                }
            }
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false));

            return (head, evictedUpTo, events);
        }
        catch (Exception ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Translate(ex, "reading topic '" + topic + "'");
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The first watcher of a topic on this server leases the topic's row (creating it when the topic has none), and
    /// the listener renews the lease while anyone here watches: retention never forgets a watched topic, so its live
    /// subscribers are not told <c>sse-reset</c> when it gets its next event after a long silence.
    /// </remarks>
    public ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<SseTopicPosition> onAppended, CancellationToken cancellationToken) =>
        _watchers.AddAsync(topic, onAppended, cancellationToken);

    /// <summary>
    /// Removes events past the retention limits now, in bulk, and the rows of topics left with no event (servers also do
    /// it every <see cref="SsePostgreSqlOptions.RetentionInterval"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>Whether this server did it (another one may be doing it at the same time).</returns>
    public async Task<bool> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var guard = new NpgsqlCommand(_sql.StalledTransactionGuard, connection, transaction);
        await using (guard.ConfigureAwait(false))
        {
            await guard.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var tryLock = new NpgsqlCommand(_sql.RetentionLock, connection, transaction) { Parameters = { new() { Value = _options.Schema + " retention" } } };
        await using (tryLock.ConfigureAwait(false))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return false;
            }
        }

        var retain = new NpgsqlCommand(_sql.Retain, connection, transaction);
        await using (retain.ConfigureAwait(false))
        {
            retain.Parameters.Add(new() { Value = (long)Math.Min(_hubOptions.ReplayCount, int.MaxValue) });
            retain.Parameters.Add(new() { Value = _hubOptions.ReplayAge, NpgsqlDbType = NpgsqlDbType.Interval });
            retain.Parameters.Add(new() { Value = _hubOptions.ReplayBytes });
            await retain.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var forget = new NpgsqlCommand(_sql.Forget, connection, transaction);
        await using (forget.ConfigureAwait(false))
        {
            await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops listening and, when the log made its data source, closes it.</summary>
    /// <returns>A task that completes when the listener stopped.</returns>
    /// <remarks>Safe to call more than once, and from several threads: the container disposes the log once for each way it is registered.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _batcher.DisposeAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        // _stopping is not disposed: a late InitializeAsync may still read its (canceled) token, and it holds no timer.
    }

    /// <summary>
    /// Stops listening and waits for it, for a container or host disposed synchronously (<see cref="DisposeAsync"/> is
    /// the better one). Safe to call more than once.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The names of the topics this server watches (its subscribers' topics).</summary>
    internal string[] WatchedTopics() => _watchers.GetTopics();

    /// <summary>Tells this server's watchers of a topic how far it got.</summary>
    internal void Announce(string topic, long position) => _watchers.Notify(topic, new SseTopicPosition(Epoch, position));

    private static void ThrowIfNotStorable(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (topic.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The topic name '{topic.Replace("\0", "\\0", StringComparison.Ordinal)}' contains NUL (U+0000), which PostgreSQL text cannot hold.", nameof(topic));
        }
    }

    /// <summary>Whether the schema already has every table and column the setup script makes (no DDL needed).</summary>
    private async Task<bool> SchemaIsCurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var probe = new NpgsqlCommand(_sql.SchemaCurrent, connection) { Parameters = { new() { Value = _options.Schema } } };
        await using (probe.ConfigureAwait(false))
        {
            return await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }
    }

    private static string Describe(string? connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={builder.Host};Port={builder.Port};Database={builder.Database}";
    }

    /// <summary>Leases a topic's row for this server's watchers (see <see cref="WatchAsync"/>): its first watcher here waits for it.</summary>
    private async ValueTask LeaseAsync(string topic, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LeaseCoreAsync(topic, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlFailures.IsUnavailable(ex))
        {
            throw PostgreSqlFailures.Translate(ex, "watching topic '" + topic + "'");
        }
    }

    private async Task LeaseCoreAsync(string topic, CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand(_sql.Watch);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new() { Value = topic });
        command.Parameters.Add(new() { Value = _options.WatchLease, NpgsqlDbType = NpgsqlDbType.Interval });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "PostgreSQL topic log ready (schema '{Schema}', epoch '{Epoch}').", EventName = "Started")]
        public static partial void Started(ILogger logger, string schema, string epoch);
    }
}

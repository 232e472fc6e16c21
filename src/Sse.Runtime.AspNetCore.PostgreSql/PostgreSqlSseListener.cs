using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>
/// One server's ear on the database: one connection listening on the log's channel, which tells the watchers of a
/// topic how far it got; the heads of the watched topics read every poll interval (and right after every reconnect),
/// so a notification lost while the connection was down delays delivery but never loses it; retention in bulk every
/// retention interval. A lost connection is reopened with backoff (100 ms doubling to 5 s), for as long as the server runs.
/// </summary>
internal sealed partial class PostgreSqlSseListener : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly PostgreSqlSseTopicLog _log;
    private readonly CancellationToken _stopping;
    private readonly Task _listening;
    private readonly Task _retaining;
    private DateTime _lastRenewal = DateTime.MinValue;

    public PostgreSqlSseListener(PostgreSqlSseTopicLog log, CancellationToken stopping)
    {
        _log = log;
        _stopping = stopping;
        _listening = Task.Run(ListenAsync, CancellationToken.None);
        _retaining = Task.Run(RetainAsync, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_listening, _retaining).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ListenAsync()
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        var reconnecting = false;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _log.DataSource.OpenConnectionAsync(_stopping).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                connection.Notification += OnNotification;
                var listen = new NpgsqlCommand($"LISTEN {_log.Sql.Channel}", connection);
                await using (listen.ConfigureAwait(false))
                {
                    await listen.ExecuteNonQueryAsync(_stopping).ConfigureAwait(false);
                }

                if (reconnecting)
                {
                    // Idle pooled connections from before the outage are dead: drop them, so that publishes and reads
                    // do not each fail once on one.
                    _log.DataSource.Clear();
                    Log.Reconnected(_log.Logger, _log.Options.Schema);
                }

                backoff = TimeSpan.FromMilliseconds(100);
                reconnecting = false;
                _log.Health.Listening();

                // Whatever was appended while no one listened is found by reading the heads: now, then regularly.
                // The watched topics' leases are renewed a quarter of a lease at a time.
                var lastPoll = DateTime.MinValue;
                while (true)
                {
                    if (DateTime.UtcNow - lastPoll >= _log.Options.PollInterval)
                    {
                        await PollAsync().ConfigureAwait(false);
                        lastPoll = DateTime.UtcNow;
                        _log.Health.RoundCompleted();
                    }

                    if (DateTime.UtcNow - _lastRenewal >= _log.Options.WatchLease / 4)
                    {
                        await RenewLeasesAsync().ConfigureAwait(false);
                        _lastRenewal = DateTime.UtcNow;
                    }

                    await connection.WaitAsync(_log.Options.PollInterval, _stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or TimeoutException or InvalidOperationException)
            {
                if (!reconnecting)
                {
                    Log.ListenerLost(_log.Logger, _log.Options.Schema, ex);
                }

                _log.Health.Lost(ex);

                reconnecting = true;
                try
                {
                    await Task.Delay(backoff, _stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var payload = e.Payload;
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(payload.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return;
        }

        var topic = payload[(colon + 1)..];
        if (topic.Length > 0)
        {
            _log.Announce(topic, position);
        }

        // An empty topic (a name too long for a notification) is left to the next poll.
    }

    /// <summary>Reads the heads of the topics this server has subscribers for, and tells their watchers.</summary>
    private async Task PollAsync()
    {
        var topics = _log.WatchedTopics();
        if (topics.Length == 0)
        {
            return;
        }

        var command = _log.DataSource.CreateCommand(_log.Sql.Heads);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new() { Value = topics });
        var reader = await command.ExecuteReaderAsync(_stopping).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(_stopping).ConfigureAwait(false))
        {
            _log.Announce(reader.GetString(0), reader.GetInt64(1));
        }
    }

    /// <summary>Renews the leases of the watched topics (only rows with less than half a lease left are written).</summary>
    private async Task RenewLeasesAsync()
    {
        var topics = _log.WatchedTopics();
        if (topics.Length == 0)
        {
            return;
        }

        var command = _log.DataSource.CreateCommand(_log.Sql.RenewLeases);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new() { Value = topics });
        command.Parameters.Add(new() { Value = _log.Options.WatchLease, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
        command.Parameters.Add(new() { Value = _log.Options.WatchLease / 2, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
        await command.ExecuteNonQueryAsync(_stopping).ConfigureAwait(false);
    }

    private async Task RetainAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_log.Options.RetentionInterval, _stopping).ConfigureAwait(false);
                await _log.ApplyRetentionAsync(_stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.IO.IOException or TimeoutException or InvalidOperationException)
            {
                // The database is away: the next round tries again.
                Log.RetentionFailed(_log.Logger, _log.Options.Schema, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Warning, "The PostgreSQL topic log (schema '{Schema}') lost its listening connection; reconnecting with backoff. Delivery pauses until then, nothing is lost.", EventName = "ListenerLost")]
        public static partial void ListenerLost(ILogger logger, string schema, Exception exception);

        [LoggerMessage(3, LogLevel.Information, "The PostgreSQL topic log (schema '{Schema}') is listening again and catching up.", EventName = "Reconnected")]
        public static partial void Reconnected(ILogger logger, string schema);

        [LoggerMessage(4, LogLevel.Warning, "Retention of the PostgreSQL topic log (schema '{Schema}') failed; it runs again at the next interval.", EventName = "RetentionFailed")]
        public static partial void RetentionFailed(ILogger logger, string schema, Exception exception);
    }
}

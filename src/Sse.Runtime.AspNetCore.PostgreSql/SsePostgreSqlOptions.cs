using System;
using Npgsql;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>Settings of the PostgreSQL topic log; configure with <c>services.AddSsePostgreSql(connectionString, o => ...)</c>.</summary>
public sealed class SsePostgreSqlOptions
{
    private string _schema = "sse";
    private TimeSpan _pollInterval = TimeSpan.FromSeconds(2);
    private TimeSpan _retentionInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _watchLease = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the connection string, when <see cref="DataSource"/> is not set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the data source to use instead of one made from <see cref="ConnectionString"/> (the application's own, for example).</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// Gets or sets the schema of the log's tables (<c>topics</c>, <c>events</c>, <c>epoch</c>) and sequence; also the
    /// name of the notification channel (<c>{schema}_events</c>). Default <c>sse</c>. Letters, digits and underscores.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a plain SQL identifier.</exception>
    public string Schema
    {
        get => _schema;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            if (value.Length > 50 || char.IsAsciiDigit(value[0]) || value.AsSpan().IndexOfAnyExcept(PlainIdentifier) >= 0)
            {
                throw new ArgumentException($"The schema name '{value}' is not a plain SQL identifier: use up to 50 lowercase letters, digits and underscores, starting with a letter.", nameof(value));
            }

            _schema = value;
        }
    }

    /// <summary>
    /// Gets or sets whether the schema is created on start-up when it is missing (default). Turn it off when a migration
    /// runs <see cref="PostgreSqlSseTopicLog.SchemaScript"/> instead.
    /// </summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>
    /// Gets or sets how often a server reads the heads of its subscribed topics even without a notification, so that
    /// a notification lost while the listener reconnects delays delivery but never loses it. Default 2 seconds.
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
    /// Gets or sets how often old events are removed (by <c>SseHubOptions.ReplayCount</c> and <c>ReplayAge</c>, in bulk,
    /// by one server at a time). Default 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan RetentionInterval
    {
        get => _retentionInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _retentionInterval = value;
        }
    }

    /// <summary>
    /// Gets or sets how long a server's interest in a topic (it has subscribers for it) keeps retention from forgetting
    /// the topic's row; servers renew it while they have subscribers, so it matters only for a server that stopped
    /// without saying so (killed, paused, cut off). A topic forgotten under a live subscriber would come back as a new
    /// life that knows nothing before it, and that subscriber would be told <c>sse-reset</c>. Default 10 minutes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan WatchLease
    {
        get => _watchLease;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _watchLease = value;
        }
    }

    private static ReadOnlySpan<char> PlainIdentifier => "abcdefghijklmnopqrstuvwxyz0123456789_";
}

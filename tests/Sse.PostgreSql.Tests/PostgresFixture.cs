using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.PostgreSql;
using Sse.Tests;
using Xunit;

namespace Sse.PostgreSql.Tests;

/// <summary>One throwaway cluster for the whole collection; each test works in a schema of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    internal PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("PostgreSQL is not running.");

    public string ConnectionString => Cluster.ConnectionString;

    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..10];

    public async Task InitializeAsync()
    {
        if (PostgresCluster.FindBin() is not null || Tools.IsCi)
        {
            _cluster = await PostgresCluster.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A log and its hub on a schema (new unless given), initialized.</summary>
    internal async Task<(SseHub Hub, PostgreSqlSseTopicLog Log)> CreateHubAsync(string? schema = null, Action<SseHubOptions>? hub = null, Action<SsePostgreSqlOptions>? log = null)
    {
        var hubOptions = new SseHubOptions();
        hub?.Invoke(hubOptions);
        var options = new SsePostgreSqlOptions { ConnectionString = ConnectionString, Schema = schema ?? NewSchema(), PollInterval = TimeSpan.FromMilliseconds(300) };
        log?.Invoke(options);
        var topicLog = new PostgreSqlSseTopicLog(Options.Create(options), Options.Create(hubOptions));
        await topicLog.InitializeAsync();
        return (new SseHub(topicLog, Options.Create(hubOptions)), topicLog);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

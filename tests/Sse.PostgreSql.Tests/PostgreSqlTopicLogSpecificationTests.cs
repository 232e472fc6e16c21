using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.PostgreSql;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Testing;
using Sse.Tests;
using Xunit;

namespace Sse.PostgreSql.Tests;

/// <summary>
/// The PostgreSQL log against the specification every topic log meets (Sse.Testing): each log on a schema of its own,
/// peers on the same schema with their own connections and listener, as other server processes.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "PostgreSql")]
public sealed class PostgreSqlTopicLogSpecificationTests(PostgresFixture postgres) : SseTopicLogSpecification
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISseTopicLog, string> _schemas = [];

    [RequiresPostgresTheory]
    [MemberData(nameof(Checks))]
    public Task Check(string name) => RunAsync(name);

    protected override ValueTask<ISseTopicLog> CreateLogAsync(SseHubOptions options) => CreateAsync(PostgresFixture.NewSchema(), options);

    protected override ValueTask<ISseTopicLog> CreatePeerAsync(ISseTopicLog log, SseHubOptions options) =>
        CreateAsync(_schemas.GetValue(log, static _ => throw new System.InvalidOperationException("Not a log of this test.")), options);

    protected override async ValueTask ApplyRetentionAsync(ISseTopicLog log) => await ((PostgreSqlSseTopicLog)log).ApplyRetentionAsync();

    private async ValueTask<ISseTopicLog> CreateAsync(string schema, SseHubOptions options)
    {
        var log = new PostgreSqlSseTopicLog(
            Options.Create(new SsePostgreSqlOptions { ConnectionString = postgres.ConnectionString, Schema = schema, PollInterval = System.TimeSpan.FromMilliseconds(300) }),
            Options.Create(options));
        await log.InitializeAsync();
        _schemas.Add(log, schema);
        return log;
    }
}

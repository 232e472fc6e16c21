using System.Threading.Tasks;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.PostgreSql.Tests;

/// <summary>Runs across two server processes sharing one PostgreSQL database (tests/apps/Sse.PostgreSql.Node).</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "PostgreSql")]
public sealed class PostgreSqlRunTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Node = "tests/apps/Sse.PostgreSql.Node";

    [RequiresPostgresFact]
    public Task RunStartedOnOneServer_IsAttachedAndCancelledFromTheOther() =>
        NodeRuns.StartedOnOne_AttachedAndCancelledFromTheOtherAsync(Starter(), output.WriteLine);

    [RequiresPostgresFact]
    public Task ServerKilledMidRun_AttachedClientsGetTheErrorAtTheDeadline() =>
        NodeRuns.ServerKilledMidRun_AttachedClientsGetTheErrorAtTheDeadlineAsync(Starter(), output.WriteLine);

    [RequiresPostgresFact]
    public Task ServerStoppedMidRun_EndsItsRunsWithTheError() =>
        NodeRuns.ServerStoppedMidRun_EndsItsRunsWithTheErrorAsync(Starter(), output.WriteLine);

    [RequiresPostgresFact]
    public Task SameStartOnBothServersAtOnce_IsOneRun() =>
        NodeRuns.SameStartOnBothServersAtOnce_IsOneRunAsync(Starter(), output.WriteLine);

    private NodeRuns.StartNode Starter()
    {
        var schema = PostgresFixture.NewSchema();
        return async (name, arguments) =>
        {
            var node = await AppProcess.StartBuiltServerAsync(Node, ["--Node", name, "--ConnectionStrings:Sse", postgres.ConnectionString, "--Schema", schema, "--PollMs", "300", .. arguments]);
            output.WriteLine($"Node {name} (pid {node.Pid}) on {node.Address}");
            return node;
        };
    }
}

using System;
using System.Threading.Tasks;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Redis.Tests;

/// <summary>Runs across two server processes on one Redis (tests/apps/Sse.PostgreSql.Node with --Log redis).</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class RedisRunTests(RedisFixture redis, ITestOutputHelper output)
{
    private const string Node = "tests/apps/Sse.PostgreSql.Node";

    [RequiresRedisFact]
    public Task RunStartedOnOneServer_IsAttachedAndCancelledFromTheOther() =>
        NodeRuns.StartedOnOne_AttachedAndCancelledFromTheOtherAsync(Starter(), output.WriteLine);

    [RequiresRedisFact]
    public Task ServerKilledMidRun_AttachedClientsGetTheErrorAtTheDeadline() =>
        NodeRuns.ServerKilledMidRun_AttachedClientsGetTheErrorAtTheDeadlineAsync(Starter(), output.WriteLine);

    [RequiresRedisFact]
    public Task ServerStoppedMidRun_EndsItsRunsWithTheError() =>
        NodeRuns.ServerStoppedMidRun_EndsItsRunsWithTheErrorAsync(Starter(), output.WriteLine);

    [RequiresRedisFact]
    public Task SameStartOnBothServersAtOnce_IsOneRun() =>
        NodeRuns.SameStartOnBothServersAtOnce_IsOneRunAsync(Starter(), output.WriteLine);

    private NodeRuns.StartNode Starter()
    {
        var prefix = RedisFixture.NewPrefix();
        return async (name, arguments) =>
        {
            var node = await AppProcess.StartBuiltServerAsync(Node, ["--Node", name, "--Log", "redis", "--Redis", redis.Server.Configuration, "--KeyPrefix", prefix, "--PollMs", "300", .. arguments]);
            output.WriteLine($"Node {name} (pid {node.Pid}) on {node.Address}");
            return node;
        };
    }
}

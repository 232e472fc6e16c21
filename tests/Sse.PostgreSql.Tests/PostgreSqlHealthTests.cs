using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sse.Runtime.AspNetCore.PostgreSql;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.PostgreSql.Tests;

/// <summary>The PostgreSQL log's health check, on a cluster of its own that the test stops and starts: Healthy, Unhealthy while the database is down, Healthy again once it listens.</summary>
[Trait("Category", "PostgreSql")]
public sealed class PostgreSqlHealthTests(ITestOutputHelper output)
{
    [RequiresPostgresFact]
    public async Task HealthCheck_Healthy_UnhealthyWhileTheDatabaseIsDown_HealthyWhenItListensAgain()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var host = await SseTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddSsePostgreSql(cluster.ConnectionString, o => o.Schema = PostgresFixture.NewSchema());
                builder.Services.AddHealthChecks().AddSsePostgreSql(timeout: TimeSpan.FromSeconds(3));
            },
            HealthProbe.Map);

        var healthy = await HealthProbe.WaitForAsync(host.Services, host.ServerAddress, "sse-postgresql", HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, healthy.Http);
        Assert.StartsWith("PostgreSQL answers in ", healthy.Entry.Description, StringComparison.Ordinal);

        await cluster.StopAsync();
        var down = await HealthProbe.WaitForAsync(host.Services, host.ServerAddress, "sse-postgresql", HealthStatus.Unhealthy, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Http);
        output.WriteLine($"down: {down.Entry.Description}");

        await cluster.StartAgainAsync();
        var back = await HealthProbe.WaitForAsync(host.Services, host.ServerAddress, "sse-postgresql", HealthStatus.Healthy, TimeSpan.FromSeconds(60));
        output.WriteLine($"statuses after the restart: {string.Join(" → ", back.Seen)}; {back.Entry.Description}");
        Assert.Equal(true, back.Entry.Data["listening"]);
    }
}

using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sse.Runtime.AspNetCore.Redis;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Redis.Tests;

/// <summary>The Redis log's health check, on a server of its own that the test stops and starts: Healthy, Unhealthy while Redis is down, Healthy again.</summary>
[Trait("Category", "Redis")]
public sealed class RedisHealthTests(ITestOutputHelper output)
{
    [RequiresRedisFact]
    public async Task HealthCheck_Healthy_UnhealthyWhileRedisIsDown_HealthyWhenItIsBack()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        await using var host = await SseTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddSseRedis(redis.Configuration, o => o.KeyPrefix = RedisFixture.NewPrefix());
                builder.Services.AddHealthChecks().AddSseRedis(timeout: TimeSpan.FromSeconds(2));
            },
            HealthProbe.Map);

        var healthy = await HealthProbe.WaitForAsync(host.Services, host.ServerAddress, "sse-redis", HealthStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, healthy.Http);
        Assert.StartsWith("Redis answers in ", healthy.Entry.Description, StringComparison.Ordinal);
        Assert.Equal(true, healthy.Entry.Data["listening"]);

        await redis.StopAsync();
        var down = await HealthProbe.WaitForAsync(host.Services, host.ServerAddress, "sse-redis", HealthStatus.Unhealthy, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Http);
        output.WriteLine($"down: {down.Entry.Description}");

        await redis.StartAgainAsync();
        var back = await HealthProbe.WaitForAsync(host.Services, host.ServerAddress, "sse-redis", HealthStatus.Healthy, TimeSpan.FromSeconds(60));
        output.WriteLine($"statuses after the restart: {string.Join(" → ", back.Seen)}; {back.Entry.Description}");
        Assert.Equal(HttpStatusCode.OK, back.Http);
    }
}

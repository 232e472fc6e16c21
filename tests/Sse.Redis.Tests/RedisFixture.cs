using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.Redis;
using Sse.Tests;
using Xunit;

namespace Sse.Redis.Tests;

/// <summary>One throwaway Redis (with AOF) for the collection; each test works under a key prefix of its own.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("Redis is not running.");

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    public async Task InitializeAsync()
    {
        if (RedisServer.Find() is not null || Tools.IsCi)
        {
            _server = await RedisServer.StartAsync(appendOnly: true);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A log on a server (this one unless given), under a prefix (new unless given), initialized.</summary>
    internal static async Task<RedisSseTopicLog> CreateLogAsync(string configuration, string prefix, SseHubOptions? hub = null, TimeSpan? poll = null)
    {
        var log = new RedisSseTopicLog(
            Options.Create(new SseRedisOptions { Configuration = configuration, KeyPrefix = prefix, PollInterval = poll ?? TimeSpan.FromMilliseconds(300) }),
            Options.Create(hub ?? new SseHubOptions()));
        await log.InitializeAsync();
        return log;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}

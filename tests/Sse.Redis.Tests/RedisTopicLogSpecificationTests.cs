using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.Redis;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Testing;
using Sse.Tests;
using StackExchange.Redis;
using Xunit;

namespace Sse.Redis.Tests;

/// <summary>
/// The Redis log against the specification every topic log meets (Sse.Testing): each log under a key prefix of its own,
/// peers on the same prefix with their own connection, as other server processes; a lost history is the topic's keys
/// deleted, as an eviction or a flush would.
/// </summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class RedisTopicLogSpecificationTests(RedisFixture redis) : SseTopicLogSpecification
{
    private readonly ConditionalWeakTable<ISseTopicLog, string> _prefixes = [];

    [RequiresRedisTheory]
    [MemberData(nameof(Checks))]
    public Task Check(string name) => RunAsync(name);

    protected override ValueTask<ISseTopicLog> CreateLogAsync(SseHubOptions options) => CreateAsync(RedisFixture.NewPrefix(), options);

    protected override ValueTask<ISseTopicLog> CreatePeerAsync(ISseTopicLog log, SseHubOptions options) =>
        CreateAsync(_prefixes.GetValue(log, static _ => throw new System.InvalidOperationException("Not a log of this test.")), options);

    protected override async ValueTask<ISseTopicLog> LoseHistoryAsync(ISseTopicLog log, string topic, SseHubOptions options)
    {
        // What an eviction, an expiry or a FLUSHALL does to a topic: its keys are gone.
        var prefix = _prefixes.GetValue(log, static _ => throw new System.InvalidOperationException("Not a log of this test."));
        var server = ((RedisSseTopicLog)log).Connection.GetServer(redis.Server.Configuration.Split(',')[0]);
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            await ((RedisSseTopicLog)log).Connection.GetDatabase().KeyDeleteAsync(key);
        }

        return log;
    }

    private async ValueTask<ISseTopicLog> CreateAsync(string prefix, SseHubOptions options)
    {
        var log = await RedisFixture.CreateLogAsync(redis.Server.Configuration, prefix, options);
        _prefixes.Add(log, prefix);
        return log;
    }
}

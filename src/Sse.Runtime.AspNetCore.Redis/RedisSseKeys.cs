using System;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// The names of a topic's keys and channel: <c>{prefix}{{tag}}:m</c> (metadata), <c>:s</c> (stream), <c>:d:{key}</c>
/// (an idempotency key), <c>:n</c> (the wake-up channel). They share the hash tag, so they live in one slot of a
/// cluster. The tag is <c>t:{topic}</c>, or <c>h:{sha-256 of the topic}</c> when the name holds a brace (which would
/// end the tag early) or is long.
/// </summary>
internal sealed class RedisSseKeys
{
    private const int MaxRawTagLength = 200;

    private readonly string _prefix;

    public RedisSseKeys(string prefix) => _prefix = prefix;

    public TopicKeys For(string topic)
    {
        var tag = topic.Length <= MaxRawTagLength && topic.AsSpan().IndexOfAny('{', '}') < 0
            ? "t:" + topic
            : "h:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(topic))).ToLowerInvariant();
        var root = _prefix + "{" + tag + "}:";
        return new TopicKeys(root + "m", root + "s", root + "n", root + "d:");
    }

    internal readonly record struct TopicKeys(string Meta, string Stream, string Channel, string DedupePrefix)
    {
        public RedisKey[] Keys => [Meta, Stream];

        public RedisKey[] KeysWithDedupe(string? idempotencyKey) => [Meta, Stream, DedupePrefix + (idempotencyKey ?? string.Empty)];
    }
}

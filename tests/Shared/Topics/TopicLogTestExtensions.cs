using System;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Tests;

/// <summary>Shorthands the log tests read better with.</summary>
internal static class TopicLogTestExtensions
{
    /// <summary>Appends an event and returns only its position.</summary>
    public static async ValueTask<long> AppendAsync(this ISseTopicLog log, string topic, string? eventType, byte[] data, CancellationToken cancellationToken) =>
        (await log.AppendAsync(topic, new SseTopicEventContent(eventType, data), cancellationToken).ConfigureAwait(false)).Position;

    /// <summary>The epoch a topic's ids carry now.</summary>
    public static async ValueTask<string> EpochAsync(this ISseTopicLog log, string topic = "any") =>
        (await log.GetHeadAsync(topic, CancellationToken.None).ConfigureAwait(false)).Epoch;
}

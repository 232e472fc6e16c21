using System;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// An event is larger than <see cref="SseHubOptions.MaxEventSize"/>, the largest event the hub publishes (by default the
/// largest event the generated clients accept, <see cref="Sse.Runtime.SseClientOptions.MaxEventSize"/>). It was not
/// published: no subscriber would accept it, and a kept event no client accepts would fail every client that resumes
/// over it. A command that publishes it answers 413.
/// </summary>
public sealed class SseOversizedEventException : InvalidOperationException
{
    internal SseOversizedEventException(string topic, long size, int maxEventSize)
        : base($"The event for topic '{Shorten(topic)}' is {size:N0} bytes on the wire, more than SseHubOptions.MaxEventSize ({maxEventSize:N0} bytes), the largest event clients accept by default (SseClientOptions.MaxEventSize); it was not published. Publish smaller items, or raise both limits together.")
    {
        Topic = topic;
        Size = size;
        MaxEventSize = maxEventSize;
    }

    /// <summary>Gets the topic it was published to.</summary>
    public string Topic { get; }

    /// <summary>Gets the event's size on the wire, in bytes (its id line counted at its largest).</summary>
    public long Size { get; }

    /// <summary>Gets the limit, in bytes.</summary>
    public int MaxEventSize { get; }

    private static string Shorten(string topic) => topic.Length > 100 ? topic[..100] + "…" : topic;
}

/// <summary>
/// The topic log cannot be reached (its database or broker is down, restarting, or cut off): thrown by an
/// <see cref="ISseTopicLog"/> for a failure that says nothing about the request, so that the generated endpoints answer
/// 503 with <c>Retry-After</c> (a topic subscription, a command that publishes) instead of 500, and clients retry.
/// A publish that throws it did not happen.
/// </summary>
public sealed class SseTopicLogUnavailableException : Exception
{
    /// <summary>The <see cref="RetryAfter"/> a log suggests unless it knows better: 5 seconds.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be reached, without secrets (it is logged, not sent to clients).</param>
    /// <param name="innerException">The failure.</param>
    /// <param name="retryAfter">When to try again, or <see langword="null"/> for <see cref="DefaultRetryAfter"/>.</param>
    public SseTopicLogUnavailableException(string message, Exception? innerException = null, TimeSpan? retryAfter = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter is { } value && value > TimeSpan.Zero ? value : DefaultRetryAfter;
    }

    /// <summary>Gets how long clients are told to wait before trying again (the <c>Retry-After</c> header).</summary>
    public TimeSpan RetryAfter { get; }
}

/// <summary>
/// An in-process subscription (<see cref="SseTopic{T}.SubscribeAsync"/>) was ended by the hub, not by its reader: it fell
/// behind its queue's bounds (<see cref="SseHubOptions.MaxQueuedEvents"/>, <see cref="SseHubOptions.MaxQueuedBytes"/>),
/// or the hub stopped with the application. Nothing was skipped: subscribe again after the last id read. A generated
/// stream endpoint whose implementation throws it ends its response without the end event, so its client resumes.
/// </summary>
public sealed class SseSubscriptionLostException : Exception
{
    internal SseSubscriptionLostException(string topic, bool fellBehind)
        : base(fellBehind
            ? $"The subscription to topic '{topic}' fell behind (more events waited for it than SseHubOptions.MaxQueuedEvents or MaxQueuedBytes allow) and was ended; subscribe again after the last event id read."
            : $"The subscription to topic '{topic}' was ended because the hub stopped (the application is stopping); subscribe again after the last event id read.")
    {
        Topic = topic;
        FellBehind = fellBehind;
    }

    /// <summary>Gets the topic.</summary>
    public string Topic { get; }

    /// <summary>Gets whether it fell behind (otherwise the hub stopped).</summary>
    public bool FellBehind { get; }
}

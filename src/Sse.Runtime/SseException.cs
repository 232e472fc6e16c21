using System;

namespace Sse.Runtime;

/// <summary>The base of the errors a server-sent-events stream reports about the stream itself.</summary>
/// <remarks>Non-success HTTP responses are reported as <see cref="SseHttpException"/>, a <see cref="System.Net.Http.HttpRequestException"/>.</remarks>
public class SseException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    private protected SseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    private protected SseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The response is not an event stream: its content type is not <c>text/event-stream</c>.</summary>
public sealed class SseContentTypeException : SseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="requestUri">The request's URI.</param>
    /// <param name="contentType">The content type the server sent, or <see langword="null"/> when it sent none.</param>
    internal SseContentTypeException(Uri? requestUri, string? contentType)
        : base($"The response from {requestUri} has content type '{contentType ?? "(none)"}', not 'text/event-stream'; it is not a server-sent-events stream.")
    {
        RequestUri = requestUri;
        ContentType = contentType;
    }

    /// <summary>Gets the request's URI.</summary>
    public Uri? RequestUri { get; }

    /// <summary>Gets the content type the server sent.</summary>
    public string? ContentType { get; }
}

/// <summary>An event's data is not valid JSON for the contract's item type.</summary>
public sealed class SsePayloadException : SseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="eventType">The event name.</param>
    /// <param name="eventId">The event id in effect, if any.</param>
    /// <param name="itemType">The type the payload should have matched.</param>
    /// <param name="excerpt">The start of the payload.</param>
    /// <param name="innerException">The JSON error.</param>
    internal SsePayloadException(string eventType, string? eventId, Type itemType, string excerpt, Exception innerException)
        : base($"The data of event '{eventType}'{(string.IsNullOrEmpty(eventId) ? "" : $" (id '{eventId}')")} is not valid JSON for {itemType.Name}: {innerException.Message} Data: {excerpt}", innerException)
    {
        EventType = eventType;
        EventId = eventId;
        Excerpt = excerpt;
    }

    /// <summary>Gets the event name.</summary>
    public string EventType { get; }

    /// <summary>Gets the event id in effect when the event was read, if any.</summary>
    public string? EventId { get; }

    /// <summary>Gets the start of the payload (at most 256 characters).</summary>
    public string Excerpt { get; }
}

/// <summary>An event exceeded <see cref="SseClientOptions.MaxEventSize"/>: an endless line, or data that never ends with a blank line.</summary>
public sealed class SseEventTooLargeException : SseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="maxEventSize">The limit that was exceeded, in bytes.</param>
    internal SseEventTooLargeException(int maxEventSize)
        : base($"An event exceeded the maximum event size of {maxEventSize} bytes (SseClientOptions.MaxEventSize); the stream was closed instead of buffering it.")
    {
        MaxEventSize = maxEventSize;
    }

    /// <summary>Gets the limit that was exceeded, in bytes.</summary>
    public int MaxEventSize { get; }
}

/// <summary>The stream received no byte, heartbeats included, within <see cref="SseClientOptions.IdleTimeout"/>.</summary>
public sealed class SseIdleTimeoutException : SseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="idleTimeout">The timeout that passed.</param>
    internal SseIdleTimeoutException(TimeSpan idleTimeout)
        : base($"The event stream received nothing, not even a heartbeat, for {idleTimeout.TotalSeconds:0.###} s (SseClientOptions.IdleTimeout); the connection is presumed dead.")
    {
        IdleTimeout = idleTimeout;
    }

    /// <summary>Gets the timeout that passed.</summary>
    public TimeSpan IdleTimeout { get; }
}

/// <summary>
/// The server's stream failed after it had started: the server wrote an <c>sse-error</c> event (the stream's
/// implementation threw) and ended the response. Events before it were delivered.
/// </summary>
public sealed class SseStreamFailedException : SseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="detail">What the server said about the failure.</param>
    internal SseStreamFailedException(string detail)
        : base($"The server's event stream failed: {detail}")
    {
        Detail = detail;
    }

    /// <summary>Gets what the server said about the failure (its problem details' <c>detail</c>).</summary>
    public string Detail { get; }
}

/// <summary>
/// A stream's connection was lost, or could not be made, and the stream cannot go on: it is not resumable (and
/// <see cref="SseClientOptions.RestartNonResumableStreams"/> is off), reconnection is off, or
/// <see cref="SseClientOptions.MaxReconnectAttempts"/> attempts in a row failed. The inner exception is the cause.
/// </summary>
public sealed class SseConnectionLostException : SseException
{
    internal SseConnectionLostException(string streamName, SseDisconnectReason reason, long eventCount, string? lastEventId, int attempts, string why, Exception? innerException)
        : base($"The connection of stream '{streamName}' was lost ({Describe(reason)}) after {eventCount} events{(lastEventId is null ? string.Empty : $" (last event id '{lastEventId}')")}: {why}{(innerException is null ? string.Empty : " " + innerException.Message)}", innerException)
    {
        StreamName = streamName;
        Reason = reason;
        EventCount = eventCount;
        LastEventId = lastEventId;
        Attempts = attempts;
    }

    /// <summary>Gets the stream, <c>StockFeed.Prices</c>.</summary>
    public string StreamName { get; }

    /// <summary>Gets why the last connection ended.</summary>
    public SseDisconnectReason Reason { get; }

    /// <summary>Gets how many items the stream delivered before it failed, over all its connections.</summary>
    public long EventCount { get; }

    /// <summary>Gets the last event id received, or <see langword="null"/>.</summary>
    public string? LastEventId { get; }

    /// <summary>Gets how many reconnection attempts in a row were made (0 when the stream does not reconnect).</summary>
    public int Attempts { get; }

    private static string Describe(SseDisconnectReason reason) => reason switch
    {
        SseDisconnectReason.ConnectFailed => "could not connect",
        SseDisconnectReason.RetryableStatus => "the server answered with a retryable status",
        SseDisconnectReason.ConnectionError => "connection error",
        SseDisconnectReason.EndOfStream => "the response ended without the server's end event",
        _ => "idle timeout",
    };
}

/// <summary>
/// The server cannot resume the stream from the last event id it was given: the id is too old for what it keeps, from an
/// earlier epoch (the server restarted), unknown, or not an id it can read. Events may have been missed: re-synchronise
/// (load the current state), then start the stream again without a last event id.
/// </summary>
/// <remarks>
/// A server implementation throws it to say so (<c>throw new SseResumeRejectedException(lastEventId, "too old")</c>); the
/// generated endpoint then writes the <c>sse-reset</c> event, and the generated client throws it to the consumer.
/// </remarks>
public sealed class SseResumeRejectedException : SseException
{
    /// <summary>Creates the exception, for a server implementation to throw.</summary>
    /// <param name="lastEventId">The last event id that cannot be resumed from.</param>
    /// <param name="reason">Why, in a sentence the client may see (no secrets).</param>
    public SseResumeRejectedException(string? lastEventId, string reason)
        : base($"The server cannot resume the stream after event id '{lastEventId}': {reason} Events may have been missed; re-synchronise, then start the stream again without a last event id.")
    {
        LastEventId = lastEventId;
        Reason = reason;
    }

    /// <summary>Gets the last event id that cannot be resumed from.</summary>
    public string? LastEventId { get; }

    /// <summary>Gets why, as the server said it.</summary>
    public string Reason { get; }
}

/// <summary>
/// The server's answer does not follow the protocol the contract expects, such as a run's start (<c>[SseRun]</c>)
/// answered without its <c>Sse-Run-Id</c> header (an older server, or a proxy that drops the header).
/// </summary>
public sealed class SseProtocolException : SseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the answer lacked.</param>
    internal SseProtocolException(string message)
        : base(message)
    {
    }
}

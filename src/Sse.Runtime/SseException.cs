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

namespace Sse.Runtime;

internal static class SseDefaults
{
    /// <summary>Spec: "Initialize event's type attribute to 'message'" when the event type buffer is empty.</summary>
    public const string MessageEventType = "message";

    /// <summary>
    /// The event a server writes when the stream fails after it started, so the client fails with the cause instead
    /// of seeing a normal end. Not <c>error</c>: a browser's EventSource would route that to its connection-error handler.
    /// </summary>
    public const string ErrorEventType = "sse-error";

    public const string EventStreamMediaType = "text/event-stream";

    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>How much of a non-success response body an exception carries (problem details are kept whole up to <see cref="MaxProblemBodyChars"/>).</summary>
    public const int MaxErrorBodyChars = 1024;

    public const int MaxProblemBodyChars = 16 * 1024;
}

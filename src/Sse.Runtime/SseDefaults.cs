namespace Sse.Runtime;

internal static class SseDefaults
{
    /// <summary>Spec: "Initialize event's type attribute to 'message'" when the event type buffer is empty.</summary>
    public const string MessageEventType = "message";

    public const string EventStreamMediaType = "text/event-stream";

    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>How much of a non-success response body an exception carries (problem details are kept whole up to <see cref="MaxProblemBodyChars"/>).</summary>
    public const int MaxErrorBodyChars = 1024;

    public const int MaxProblemBodyChars = 16 * 1024;
}

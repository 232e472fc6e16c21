// Protocol facts shared by the generator and both runtimes. This file is compiled into each of them (it is not a
// public type of any package), so the client and server packages can be upgraded separately and still agree.
namespace Sse;

/// <summary>What the server and the client of a contract agree on: media type, header names, reserved event names and field rules.</summary>
internal static class SseProtocol
{
    /// <summary>The media type of a server-sent-events stream.</summary>
    public const string EventStreamMediaType = "text/event-stream";

    /// <summary>The request header a reconnecting client sends with the last event id it saw.</summary>
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>
    /// The query parameter that carries the last event id where a client cannot set headers (EventSource polyfills
    /// reconnecting by hand); the header wins when both are present.
    /// </summary>
    public const string LastEventIdQuery = "lastEventId";

    /// <summary>Spec: "Initialize event's type attribute to 'message'" when the event type buffer is empty.</summary>
    public const string MessageEventType = "message";

    /// <summary>
    /// The event a server writes when the stream fails after it started, so the client fails with the cause instead
    /// of seeing a normal end. Not <c>error</c>: a browser's EventSource would route that to its connection-error handler.
    /// </summary>
    public const string ErrorEventType = "sse-error";

    /// <summary>
    /// The event a server writes when its stream ended on purpose (the implementation's iterator completed), so the client
    /// ends normally and does not reconnect; an end of the response without it means the connection was lost. A browser's
    /// EventSource ignores it unless the page listens for it (<c>es.addEventListener("sse-end", () => es.close())</c>).
    /// </summary>
    public const string EndEventType = "sse-end";

    /// <summary>
    /// The event a server writes when it cannot resume from the Last-Event-ID it was given (too old, unknown, from an
    /// earlier epoch, or not an id at all), then ends the stream: the client must re-synchronise rather than miss events.
    /// </summary>
    public const string ResetEventType = "sse-reset";

    /// <summary>
    /// The event a topic stream writes when events were dropped for a subscriber that fell behind (the hub's drop-oldest
    /// policy); its data says how many (<c>{"missed":12}</c>). The stream goes on.
    /// </summary>
    public const string GapEventType = "sse-gap";

    /// <summary>
    /// The event a server writes when the credential a stream was authorized with expired or was found no longer valid
    /// (<c>SseServerOptions.EndStreamsWhenCredentialExpires</c>, <c>RevalidateCredential</c>), then ends the stream: the
    /// client gets a fresh credential and resumes at once from its last id. Its data is a problem-details object.
    /// </summary>
    public const string ReauthenticateEventType = "sse-reauth";

    /// <summary>
    /// The event that opens a run's log (<c>[SseRun]</c>): its id, method, start and deadline. Servers keep it for
    /// attaching clients and never send it; a client that sees it skips it.
    /// </summary>
    public const string RunEventType = "sse-run";

    /// <summary>
    /// The header of a run's id: on the start's response (and every attach's), the run's id; on the start request, the
    /// id its client proposes, the same on every retry of that start, so a start whose answer was lost and is sent again
    /// attaches to the run instead of starting it twice.
    /// </summary>
    public const string RunIdHeader = "Sse-Run-Id";

    /// <summary>The length of a run id: 16 random bytes in base64url, 128 bits that cannot be guessed.</summary>
    public const int RunIdLength = 22;

#if NET
    /// <summary>A new run id: 16 random bytes, base64url without padding (<c>[A-Za-z0-9_-]</c>, safe in a URL path).</summary>
    public static string NewRunId()
    {
        System.Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return System.Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
#endif

    /// <summary>The event names no contract may use, because the protocol gives them a meaning.</summary>
    public static readonly string[] ReservedEventTypes = { ErrorEventType, EndEventType, ResetEventType, GapEventType, ReauthenticateEventType, RunEventType };

    /// <summary>Whether <paramref name="eventType"/> is one of <see cref="ReservedEventTypes"/>.</summary>
    public static bool IsReservedEventType(string eventType)
    {
        foreach (var reserved in ReservedEventTypes)
        {
            if (string.Equals(reserved, eventType, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a value can be written after <c>event:</c> or <c>id:</c>: no CR or LF (they would end the field early and
    /// let the rest of the value forge fields or whole events) and no NUL (clients ignore an id containing it).
    /// </summary>
    public static bool IsValidFieldValue(string value) => value.IndexOfAny(ForbiddenFieldChars) < 0;

    private static readonly char[] ForbiddenFieldChars = { '\r', '\n', '\0' };
}

namespace Sse.Runtime;

/// <summary>The client runtime's own limits (protocol facts shared with the server are in <see cref="SseProtocol"/>).</summary>
internal static class SseDefaults
{
    /// <summary>How much of a non-success response body an exception carries (problem details are kept whole up to <see cref="MaxProblemBodyChars"/>).</summary>
    public const int MaxErrorBodyChars = 1024;

    public const int MaxProblemBodyChars = 16 * 1024;
}

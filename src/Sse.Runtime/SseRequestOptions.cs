using System.Net.Http;

namespace Sse.Runtime;

/// <summary>
/// What a generated client tells the <see cref="HttpClient"/> pipeline about a request, in <see cref="HttpRequestMessage.Options"/>,
/// for the application's own handlers (the one that adds a bearer token).
/// </summary>
public static class SseRequestOptions
{
    /// <summary>
    /// Set (<see langword="true"/>) on the reconnect after the server ended a stream with <c>sse-reauth</c>: the
    /// credential the stream had expired or was refused, so a handler that adds one must get a fresh credential, not its
    /// cached one: <c>request.Options.TryGetValue(SseRequestOptions.Reauthenticate, out var fresh) &amp;&amp; fresh</c>.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Reauthenticate = new("Sse.Reauthenticate");
}

using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Loopback;

/// <summary>
/// Sends the generated client's <c>/bench/items</c> requests to the server's <c>/replay/items</c>, which writes the same
/// bytes rendered once: the client then reads at its own rate instead of sharing two cores with a server at full speed.
/// </summary>
internal sealed class ReplayHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        request.RequestUri = new Uri(uri, uri.PathAndQuery.Replace("/bench/items", "/replay/items", StringComparison.Ordinal));
        return base.SendAsync(request, cancellationToken);
    }
}

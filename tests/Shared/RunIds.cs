using System;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Tests;

/// <summary>Run ids made by a test, and a handler that makes every start propose one, as two sends of one start do.</summary>
internal static class RunIds
{
    /// <summary>A run id of the form servers accept: 16 random bytes in base64url.</summary>
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An HttpClient whose every POST proposes <paramref name="id"/> in <c>Sse-Run-Id</c>.</summary>
    public static HttpClient ClientProposing(string id, Uri address) => new(new ProposeRunId(id) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = address };

    private sealed class ProposeRunId(string id) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                request.Headers.Remove("Sse-Run-Id");
                request.Headers.TryAddWithoutValidation("Sse-Run-Id", id);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

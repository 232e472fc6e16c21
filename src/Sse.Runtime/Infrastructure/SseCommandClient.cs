using System;
using System.ComponentModel;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// Sends a generated client's command (a contract method returning <c>Task</c> or <c>Task&lt;T&gt;</c>): one request,
/// answered 204 or 200 with JSON. Any other status fails with <see cref="SseHttpException"/>, carrying the server's
/// problem details; a result that is not valid JSON for its type fails with <see cref="SsePayloadException"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseCommandClient
{
    /// <summary>Sends a command with no result.</summary>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>A task that completes when the server answered.</returns>
    public static async Task SendAsync(HttpClient httpClient, SseRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(httpClient, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a command and reads its JSON result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The request.</param>
    /// <param name="typeInfo">The result's JSON metadata.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The result; the type's default when the server answered 204.</returns>
    public static async Task<T> SendAsync<T>(HttpClient httpClient, SseRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        using var response = await SendCoreAsync(httpClient, request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return default!;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(bytes, typeInfo)!;
        }
        catch (JsonException ex)
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 768));
            throw new SsePayloadException("response", null, typeof(T), text.Length > 256 ? text[..256] + "…" : text, ex);
        }
    }

    private static async Task<HttpResponseMessage> SendCoreAsync(HttpClient httpClient, SseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(request);
        using var message = request.CreateMessage(httpClient, lastEventId: null);
        message.Headers.Accept.Clear();
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.CacheControl = null;
        var response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent)
        {
            return response;
        }

        try
        {
            await SseResponseValidator.ThrowForStatusAsync(message, response, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException("Unreachable.");
        }
        finally
        {
            response.Dispose();
        }
    }
}

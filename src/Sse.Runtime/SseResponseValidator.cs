using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime;

/// <summary>Turns a response that is not an event stream into an exception that names the cause.</summary>
internal static class SseResponseValidator
{
    public static async Task EnsureEventStreamAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!response.IsSuccessStatusCode)
        {
            var isProblem = string.Equals(contentType, "application/problem+json", StringComparison.OrdinalIgnoreCase);
            var body = await ReadBoundedAsync(response, isProblem ? SseDefaults.MaxProblemBodyChars : SseDefaults.MaxErrorBodyChars, cancellationToken).ConfigureAwait(false);
            throw new SseHttpException(request.Method, request.RequestUri, response.StatusCode, response.ReasonPhrase, contentType, body, isProblem ? ReadProblemDetail(body) : null);
        }

        if (!string.Equals(contentType, SseDefaults.EventStreamMediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new SseContentTypeException(request.RequestUri, contentType);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, int maxChars, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // UTF-8 needs at most 4 bytes a char; read no more than that, then cut at a char boundary.
            var buffer = new byte[maxChars * 4];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, total);
            return text.Length > maxChars ? text[..maxChars] : text;
        }
    }

    private static string? ReadProblemDetail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in (ReadOnlySpan<string>)["detail", "title"])
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // A truncated or malformed body: the exception still carries the raw text.
        }

        return null;
    }
}

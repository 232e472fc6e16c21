using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime;

/// <summary>Turns a response that is not an event stream into an exception that names the cause.</summary>
internal static class SseResponseValidator
{
    /// <summary>
    /// Returns <see langword="true"/> for a 200 event stream, <see langword="false"/> for 204 No Content (the server has
    /// nothing to stream: a normal, empty end); throws for anything else.
    /// </summary>
    public static async Task<bool> EnsureEventStreamAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var contentType = RawContentType(response);
        var mediaType = MediaTypeOf(contentType);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return false;
        }

        // Only 200 is a stream: another 2xx (202, 206) or a 3xx the handler did not follow is not what the contract means.
        if (response.StatusCode != HttpStatusCode.OK)
        {
            await ThrowForStatusAsync(request, response, cancellationToken).ConfigureAwait(false);
        }

        if (!string.Equals(mediaType, SseProtocol.EventStreamMediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw new SseContentTypeException(request.RequestUri, contentType);
        }

        return true;
    }

    /// <summary>Throws the <see cref="SseHttpException"/> for a response's status, with its (bounded) body and problem details.</summary>
    public static async Task ThrowForStatusAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var contentType = RawContentType(response);
        var isProblem = string.Equals(MediaTypeOf(contentType), "application/problem+json", StringComparison.OrdinalIgnoreCase);
        var body = await ReadBoundedAsync(response, isProblem ? SseDefaults.MaxProblemBodyChars : SseDefaults.MaxErrorBodyChars, cancellationToken).ConfigureAwait(false);
        throw new SseHttpException(request.Method, request.RequestUri, response.StatusCode, response.ReasonPhrase, contentType, body, isProblem ? ReadProblemDetail(body) : null, RetryAfter(response));
    }

    /// <summary>RFC 9110: <c>Retry-After</c> is a number of seconds or an HTTP date.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// The Content-Type header as sent. Read unvalidated: a legal but unusual form (<c>text/event-stream;</c>, odd
    /// parameters) can fail <see cref="System.Net.Http.Headers.MediaTypeHeaderValue"/>'s parser and read as no content type.
    /// </summary>
    private static string? RawContentType(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;

    /// <summary>RFC 9110: the media type is the type/subtype before any parameters, compared case-insensitively.</summary>
    internal static string? MediaTypeOf(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim(' ', '\t');
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

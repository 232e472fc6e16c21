using System;
using System.Net;
using System.Net.Http;

namespace Sse.Runtime;

/// <summary>
/// The server answered a stream request with a non-success status. The exception carries the status, the reason,
/// and the response body: a problem-details body whole (up to 16 KiB), any other body's first 1 KiB.
/// </summary>
public sealed class SseHttpException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="requestUri">The request URI.</param>
    /// <param name="statusCode">The response status.</param>
    /// <param name="reasonPhrase">The response reason phrase.</param>
    /// <param name="contentType">The response content type.</param>
    /// <param name="body">The (possibly truncated) response body.</param>
    /// <param name="problemDetail">The problem details' <c>detail</c> (or <c>title</c>) when the body is problem details.</param>
    /// <param name="retryAfter">The response's Retry-After, when it has one.</param>
    internal SseHttpException(HttpMethod method, Uri? requestUri, HttpStatusCode statusCode, string? reasonPhrase, string? contentType, string body, string? problemDetail, TimeSpan? retryAfter = null)
        : base(FormatMessage(method, requestUri, statusCode, reasonPhrase, body, problemDetail), inner: null, statusCode)
    {
        RetryAfter = retryAfter;
        Method = method;
        RequestUri = requestUri;
        ReasonPhrase = reasonPhrase;
        ContentType = contentType;
        Body = body;
        ProblemDetail = problemDetail;
    }

    /// <summary>Gets the request method.</summary>
    public HttpMethod Method { get; }

    /// <summary>Gets the request URI.</summary>
    public Uri? RequestUri { get; }

    /// <summary>Gets the response reason phrase.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>Gets the response content type.</summary>
    public string? ContentType { get; }

    /// <summary>Gets the response body: whole for problem details (up to 16 KiB), otherwise its first 1 KiB.</summary>
    public string Body { get; }

    /// <summary>Gets the <c>detail</c> (or <c>title</c>) of a problem-details body, or <see langword="null"/>.</summary>
    public string? ProblemDetail { get; }

    /// <summary>Gets how long the server asked the client to wait (its <c>Retry-After</c> header), or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets whether the status is worth retrying on a resumable stream: 5xx, 408 or 429.</summary>
    internal bool IsRetryable => (int)StatusCode! >= 500 || StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string FormatMessage(HttpMethod method, Uri? requestUri, HttpStatusCode statusCode, string? reasonPhrase, string body, string? problemDetail)
    {
        var status = $"{(int)statusCode} ({reasonPhrase ?? statusCode.ToString()})";
        var why = problemDetail ?? (body.Length == 0 ? "(empty body)" : body);
        return $"{method} {requestUri} answered {status} instead of an event stream: {why}";
    }
}

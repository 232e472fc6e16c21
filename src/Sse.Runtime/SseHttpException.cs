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
    internal SseHttpException(HttpMethod method, Uri? requestUri, HttpStatusCode statusCode, string? reasonPhrase, string? contentType, string body, string? problemDetail)
        : base(FormatMessage(method, requestUri, statusCode, reasonPhrase, body, problemDetail), inner: null, statusCode)
    {
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

    private static string FormatMessage(HttpMethod method, Uri? requestUri, HttpStatusCode statusCode, string? reasonPhrase, string body, string? problemDetail)
    {
        var status = $"{(int)statusCode} ({reasonPhrase ?? statusCode.ToString()})";
        var why = problemDetail ?? (body.Length == 0 ? "(empty body)" : body);
        return $"{method} {requestUri} answered {status} instead of an event stream: {why}";
    }
}

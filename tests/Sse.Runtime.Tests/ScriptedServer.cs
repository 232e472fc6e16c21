using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.Tests;

/// <summary>What one scripted connection answers: a status, a body, and how the body ends.</summary>
internal sealed record Answer(HttpStatusCode Status, string Body = "", Ending Ending = Ending.Eof, TimeSpan? RetryAfter = null, string ContentType = "text/event-stream")
{
    public static Answer Stream(string body, Ending ending = Ending.Eof) => new(HttpStatusCode.OK, body, ending);

    public static Answer Code(HttpStatusCode status, TimeSpan? retryAfter = null) => new(status, "{\"title\":\"no\"}", Ending.Eof, retryAfter, "application/problem+json");

    /// <summary>The connection cannot be made at all.</summary>
    public static readonly Answer Refused = new((HttpStatusCode)0);
}

public enum Ending
{
    /// <summary>The body ends (EOF).</summary>
    Eof,

    /// <summary>The connection breaks: reading past the body throws an IOException.</summary>
    Reset,

    /// <summary>Nothing more arrives: reading past the body waits until cancelled.</summary>
    Hang,
}

/// <summary>
/// An HttpMessageHandler that answers each request with the next scripted <see cref="Answer"/> and records what the
/// client sent, so reconnection rules can be tested exactly, without a network.
/// </summary>
internal sealed class ScriptedServer : HttpMessageHandler
{
    private readonly ConcurrentQueue<Answer> _answers;

    public ScriptedServer(params Answer[] answers) => _answers = new ConcurrentQueue<Answer>(answers);

    public ConcurrentQueue<SentRequest> Requests { get; } = new();

    public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = new Uri("http://scripted") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new SentRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.TryGetValues("Last-Event-ID", out var ids) ? string.Join(",", ids) : null,
            request.Headers.Authorization?.ToString(),
            body,
            request.Options.TryGetValue(Sse.Runtime.SseRequestOptions.Reauthenticate, out var fresh) && fresh));
        if (!_answers.TryDequeue(out var answer))
        {
            throw new InvalidOperationException($"No answer scripted for request {Requests.Count}.");
        }

        if (answer.Status == 0)
        {
            throw new HttpRequestException("Connection refused (scripted).", new IOException("refused"));
        }

        var response = new HttpResponseMessage(answer.Status)
        {
            Content = new StreamContent(new ScriptedBody(Encoding.UTF8.GetBytes(answer.Body), answer.Ending)),
            RequestMessage = request,
        };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType);
        if (answer.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        }

        return response;
    }

    private sealed class ScriptedBody(byte[] bytes, Ending ending) : AsyncReadStream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (_position < bytes.Length)
            {
                var count = Math.Min(buffer.Length, bytes.Length - _position);
                bytes.AsSpan(_position, count).CopyTo(buffer.Span);
                _position += count;
                return count;
            }

            switch (ending)
            {
                case Ending.Reset:
                    throw new IOException("The connection was reset (scripted).");
                case Ending.Hang:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return 0;
                default:
                    return 0;
            }
        }

    }
}

internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? LastEventId, string? Authorization, string? Body, bool Reauthenticate = false);

using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Testing;

/// <summary>
/// An <see cref="HttpMessageHandler"/> for testing a consumer of a generated client without a server: each request
/// gets the next scripted response (an event stream, a status with <c>Retry-After</c>, a failure), and every request is
/// kept so the test can check what the client sent (its headers, its body, the <c>Last-Event-ID</c> of a reconnect).
/// <c>new StockFeedClient(new HttpClient(stub) { BaseAddress = new Uri("http://stub/") })</c>.
/// </summary>
public sealed class SseStubHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();
    private readonly List<SseStubRequest> _requests = [];

    /// <summary>Gets the requests answered so far.</summary>
    public IReadOnlyList<SseStubRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Queues an event stream (200, <c>text/event-stream</c>) as the next response.</summary>
    /// <param name="script">Writes the stream.</param>
    /// <returns>This handler.</returns>
    public SseStubHandler RespondWithStream(Action<SseStubScript> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var stream = new SseStubScript();
        script(stream);
        return Enqueue(() =>
        {
            var content = new StreamContent(new ScriptedStream(stream.Bytes, stream.Disconnects));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
    }

    /// <summary>Queues a status as the next response (503 with <c>Retry-After</c>, 204, 401, …).</summary>
    /// <param name="status">The status.</param>
    /// <param name="retryAfter">The <c>Retry-After</c>, or <see langword="null"/>.</param>
    /// <returns>This handler.</returns>
    public SseStubHandler RespondWithStatus(HttpStatusCode status, TimeSpan? retryAfter = null) => Enqueue(() =>
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(after);
        }

        return response;
    });

    /// <summary>Queues a connection failure (the server cannot be reached) as the next response.</summary>
    /// <returns>This handler.</returns>
    public SseStubHandler FailToConnect() => Enqueue(static () => throw new HttpRequestException("Connection refused (SseStubHandler).", new IOException("connection refused")));

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Func<HttpResponseMessage> next;
        lock (_requests)
        {
            _requests.Add(new SseStubRequest(_requests.Count, request, body));
            if (!_responses.TryDequeue(out next!))
            {
                throw new SseAssertionException($"The client sent request {_requests.Count - 1} ({request.Method} {request.RequestUri}) but the stub had no response left for it: script one more, or the client reconnected more than expected.");
            }
        }

        var response = next();
        response.RequestMessage = request;
        return response;
    }

    private SseStubHandler Enqueue(Func<HttpResponseMessage> response)
    {
        lock (_requests)
        {
            _responses.Enqueue(response);
        }

        return this;
    }

    /// <summary>The scripted bytes, then either the end of the stream or an <see cref="IOException"/> as a dropped connection.</summary>
    private sealed class ScriptedStream(byte[] bytes, bool disconnects) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = bytes.Length - _position;
            if (left == 0)
            {
                return disconnects ? throw new IOException("The connection was reset (SseStubHandler).") : 0;
            }

            var count = Math.Min(left, buffer.Length);
            bytes.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

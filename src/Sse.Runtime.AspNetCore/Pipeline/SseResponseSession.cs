using System;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// One event-stream response, whatever produces its events (an iterator, a topic): it owns what every stream does the
/// same way. It opts out of request timeouts (a stream's duration is not a request's), joins the client's and the
/// application's cancellation in one token, starts the <c>sse.stream</c> activity and the stream meters, sends the
/// headers with buffering off, holds the one <see cref="SseFrameWriter"/> every frame goes through, flushes and tells
/// when the client is gone, and registers on the shared heartbeat timer.
/// </summary>
internal sealed class SseResponseSession : IAsyncDisposable
{
    /// <summary>Above this many unflushed bytes a burst is flushed even when more events are ready, so memory stays bounded.</summary>
    public const int MaxUnflushedBytes = 64 * 1024;

    private readonly HttpContext _context;
    private readonly SseEndpointContext _endpoint;
    private readonly string _displayName;
    private readonly CancellationTokenSource _cancellation;
    private readonly JavaScriptEncoder? _encoder;
    private readonly SseCredentialBound? _credential;
    private readonly CancellationTokenRegistration _stopping;
    private System.IO.Stream? _compression;
    private Activity? _activity;
    private bool _open;
    private bool _reauthenticated;
    private SseFrameWriter? _writer;
    private SseHeartbeats.Registration? _heartbeats;
    private volatile bool _flushesAbandoned;

    public SseResponseSession(HttpContext context, SseEndpointContext endpoint, string displayName, JavaScriptEncoder? encoder)
    {
        _context = context;
        _endpoint = endpoint;
        _displayName = displayName;
        _encoder = encoder;

        // A stream lives as long as its client wants it: ASP.NET Core's request timeouts would cut it (and its client
        // would reconnect in a loop). The endpoints carry DisableRequestTimeout metadata too; this covers a middleware
        // that runs before routing.
        context.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        _credential = SseCredentialBound.For(endpoint.ServerOptions, endpoint.TimeProvider);
        var spread = endpoint.ServerOptions?.ShutdownReconnectSpread ?? TimeSpan.Zero;
        var stopping = spread > TimeSpan.Zero ? CancellationToken.None : endpoint.Stopping;
        _cancellation = _credential is null
            ? CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping)
            : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping, _credential.Token);
        if (spread > TimeSpan.Zero)
        {
            // A rolling deploy: this stream closes at its own moment of the window, so its client's reconnect does too.
            _stopping = endpoint.Stopping.UnsafeRegister(static state => ((SseResponseSession)state!).CloseWithinSpread(), this);
        }
    }

    /// <summary>
    /// The stream is on: its <c>sse.stream</c> activity starts (tagged with the method, and the topic for a topic
    /// stream) and it counts as an open stream until it is disposed. A request refused before this is not a stream.
    /// </summary>
    public void Open(string? topic = null)
    {
        _activity = StartActivity(_context);
        if (_activity is not null)
        {
            _activity.SetTag("sse.stream", _displayName);
            if (topic is not null)
            {
                _activity.SetTag("sse.topic", topic);
            }

            if (_context.Request.Headers[SseProtocol.LastEventIdHeader] is [{ Length: > 0 } lastEventId])
            {
                _activity.SetTag("sse.last_event_id", lastEventId);
            }
        }

        _endpoint.Metrics.StreamStarted(_displayName);
        _open = true;

        // Compressed streams (WithSseCompression): the body is replaced before anyone takes its pipe, so every frame,
        // heartbeat and flush goes through the compressor, and each flush flushes it.
        if (_context.GetEndpoint()?.Metadata.GetMetadata<SseCompressionMetadata>() is { } compression
            && SseCompressionMetadata.Choose(_context.Request) is { } encoding)
        {
            var response = _context.Response;
            response.Headers.ContentEncoding = encoding;
            response.Headers.Vary = "Accept-Encoding";
            _compression = compression.Wrap(encoding, response.Body);
            response.Body = _compression;
        }
    }

    /// <summary>
    /// The <c>sse.stream</c> activity: a child of the request's (ASP.NET Core's, when something listens to it); without
    /// one, of the trace context the client sent (<c>traceparent</c>), so a stream, and each reconnect of it, is in the
    /// client's trace even when only this library's source is traced.
    /// </summary>
    private static Activity? StartActivity(HttpContext context)
    {
        var source = SseServerMetrics.ActivitySource;
        if (Activity.Current is not null || !source.HasListeners())
        {
            return source.StartActivity("sse.stream", ActivityKind.Internal);
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(
            context.Request.Headers,
            static (carrier, name, out value, out values) =>
            {
                values = null;
                value = ((IHeaderDictionary)carrier!)[name] is [{ } one] ? one : null;
            },
            out var traceParent,
            out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent)
            ? source.StartActivity("sse.stream", ActivityKind.Server, parent)
            : source.StartActivity("sse.stream", ActivityKind.Server);
    }

    /// <summary>
    /// Admits the stream's credential when the options bound streams by it: <see langword="false"/> after answering 401
    /// (it expired already, or the re-validation refused it), so the client fails with a typed error rather than loop,
    /// or 503 with <c>Retry-After</c> when the re-validation could not run (the client retries with backoff).
    /// </summary>
    public async ValueTask<bool> AdmitCredentialAsync()
    {
        if (_credential is null)
        {
            return true;
        }

        string? refused;
        try
        {
            refused = await _credential.AdmitAsync(_context, Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Token.IsCancellationRequested)
        {
            // The check itself failed (its store is away): not a verdict on the credential, so not a 401 that would end
            // the client for good, and not a stream nobody vouched for. A 503 the client retries with its backoff.
            _context.Response.Headers.RetryAfter = "1";
            await SseProblemWriter.WriteAsync(_context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"The credential could not be re-validated ({ex.Message}).").ConfigureAwait(false);
            return false;
        }

        if (refused is null)
        {
            return true;
        }

        _context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        await SseProblemWriter.WriteAsync(_context, StatusCodes.Status401Unauthorized, "Unauthorized", refused).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Ends a stream whose token fired because its credential no longer holds (not the client, not the application):
    /// writes <c>sse-reauth</c>, so the client gets a fresh credential and resumes at once. <see langword="false"/> when
    /// that is not why the stream ended.
    /// </summary>
    public async ValueTask<bool> EndForCredentialAsync()
    {
        if (_credential?.Why is not { } why || _context.RequestAborted.IsCancellationRequested || Stopping || _reauthenticated)
        {
            return false;
        }

        _reauthenticated = true;
        await StartAsync().ConfigureAwait(false);
        Bytes += Writer.BufferedBytes;
        Writer.WriteReauthenticate(why);
        await FlushQuietlyAsync().ConfigureAwait(false);
        return true;
    }

    private void CloseWithinSpread()
    {
        var spread = _endpoint.ServerOptions!.ShutdownReconnectSpread;
        try
        {
            _cancellation.CancelAfter(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * spread.TotalMilliseconds));
        }
        catch (ObjectDisposedException)
        {
            // The stream ended meanwhile.
        }
    }

    /// <summary>Gets the stream's token: the client left or the application is stopping.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets whether the application is stopping.</summary>
    public bool Stopping => _endpoint.Stopping.IsCancellationRequested;

    /// <summary>Gets whether the headers were sent.</summary>
    public bool Started => _writer is not null;

    /// <summary>Gets the response's frame writer (once started).</summary>
    public SseFrameWriter Writer => _writer ?? throw new InvalidOperationException("The stream has not started.");

    public PipeWriter Pipe => _context.Response.BodyWriter;

    /// <summary>Gets or sets how many events were written.</summary>
    public long Events { get; set; }

    /// <summary>Gets or sets how many bytes of events were written.</summary>
    public long Bytes { get; set; }

    /// <summary>Cancels the stream's token (the client is gone): its producer stops.</summary>
    public Task CancelAsync() => _cancellation.CancelAsync();

    /// <summary>Sends the headers (200, <c>text/event-stream</c>, no caching, no proxy buffering) with buffering off.</summary>
    public async ValueTask StartAsync()
    {
        if (_writer is not null)
        {
            return;
        }

        var response = _context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = SseProtocol.EventStreamMediaType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        _context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        _writer = new SseFrameWriter(response.BodyWriter, _encoder);
        await response.StartAsync(_context.RequestAborted).ConfigureAwait(false);
        await response.BodyWriter.FlushAsync(_context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Puts the stream on the shared heartbeat timer of its interval (none when heartbeats are off).</summary>
    public void RegisterHeartbeats(Action onDue)
    {
        var interval = _endpoint.HeartbeatInterval(_context);
        if (interval != Timeout.InfiniteTimeSpan)
        {
            _heartbeats = _endpoint.Heartbeats.Register(interval, onDue);
        }
    }

    /// <summary>Gets whether the endpoint has heartbeats (its interval is not infinite).</summary>
    public bool HeartbeatsEnabled => _endpoint.HeartbeatInterval(_context) != Timeout.InfiniteTimeSpan;

    /// <summary>Writes the heartbeat comment (the caller flushes).</summary>
    public void WriteHeartbeat()
    {
        Writer.WriteHeartbeat();
        _endpoint.Metrics.Heartbeat();
    }

    /// <summary>Records that the stream wrote, so its next heartbeat is a whole interval away.</summary>
    public void Wrote() => _heartbeats?.Wrote(_endpoint.TimeProvider.GetTimestamp());

    /// <summary>Commits what the writer buffered and flushes; <see langword="false"/> when the client is gone (or the flush was canceled).</summary>
    public async ValueTask<bool> FlushAsync()
    {
        _writer?.Commit();
        Wrote();
        var pending = Pipe.FlushAsync(Token);
        if (_flushesAbandoned && !pending.IsCompleted)
        {
            // Abandoned before this flush began: the cancel it sent may have gone to a flush of the server's own.
            Pipe.CancelPendingFlush();
        }

        var flush = await pending.ConfigureAwait(false);
        return !(flush.IsCompleted || flush.IsCanceled || _flushesAbandoned);
    }

    /// <summary>
    /// Ends the stream's flushes, the one waiting now and every later one (each then returns <see langword="false"/>):
    /// for a subscriber that fell behind, whose writer may be stuck in a flush to a client that stopped reading. A
    /// pipe's <see cref="PipeWriter.CancelPendingFlush"/> alone does not do it: sent while none of our flushes waits,
    /// Kestrel's own next flush of the connection may take it, and ours then waits for a client that never reads.
    /// </summary>
    public void AbandonFlushes()
    {
        _flushesAbandoned = true;
        Pipe.CancelPendingFlush();
    }

    /// <summary>Flushes what is left, when the client may already be gone (there is no one to tell then).</summary>
    public async ValueTask FlushQuietlyAsync()
    {
        _writer?.Commit();
        try
        {
            await Pipe.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException)
        {
            // The client left meanwhile.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _heartbeats?.Dispose();
        if (_compression is { } compression)
        {
            // The compressor's last block, so the client's decoder sees a whole stream (when the client is still there).
            try
            {
                await compression.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or InvalidOperationException)
            {
                // The client is gone: there is no one to finish the stream for.
            }
        }

        _writer?.Dispose();
        if (_open)
        {
            _endpoint.Metrics.StreamEnded(_displayName, Events, Bytes);
        }

        if (_activity is { } activity)
        {
            activity.SetTag("sse.events", Events);
            activity.Dispose();
        }

        _stopping.Dispose();
        _credential?.Dispose();
        _cancellation.Dispose();
    }
}

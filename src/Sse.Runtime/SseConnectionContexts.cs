using System;
using System.Net;

namespace Sse.Runtime;

/// <summary>Why a connection of a stream ended without the server's end event.</summary>
public enum SseDisconnectReason
{
    /// <summary>The connection could not be made (refused, reset, DNS, TLS), or the request timed out before the response headers.</summary>
    ConnectFailed,

    /// <summary>The server answered 5xx, 408 or 429: a status worth retrying.</summary>
    RetryableStatus,

    /// <summary>The connection failed while the stream was being read (reset, aborted, an I/O error).</summary>
    ConnectionError,

    /// <summary>The response ended without the server's end event: the server stopped or the connection was closed under it.</summary>
    EndOfStream,

    /// <summary>Nothing arrived, not even a heartbeat, within <see cref="SseClientOptions.IdleTimeout"/>.</summary>
    IdleTimeout,

    /// <summary>
    /// The server ended the stream because its credential expired or is no longer valid (the <c>sse-reauth</c> event):
    /// the client reconnects at once, without backoff and without counting an attempt, asking for a fresh credential
    /// (<see cref="SseRequestOptions.Reauthenticate"/>), and resumes from its last id.
    /// </summary>
    Reauthenticate,
}

/// <summary>A connection of a stream was established (<see cref="SseClientOptions.OnConnected"/>).</summary>
public sealed class SseConnectedContext
{
    internal SseConnectedContext(string streamName, Uri? requestUri, HttpStatusCode statusCode, Version httpVersion, int attempt, string? lastEventId)
    {
        StreamName = streamName;
        RequestUri = requestUri;
        StatusCode = statusCode;
        HttpVersion = httpVersion;
        Attempt = attempt;
        LastEventId = lastEventId;
    }

    /// <summary>Gets the stream, <c>StockFeed.Prices</c>.</summary>
    public string StreamName { get; }

    /// <summary>Gets the request's URI.</summary>
    public Uri? RequestUri { get; }

    /// <summary>Gets the response status (200).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the HTTP version of the response.</summary>
    public Version HttpVersion { get; }

    /// <summary>Gets 0 for the first connection, otherwise the number of the reconnection attempt that succeeded.</summary>
    public int Attempt { get; }

    /// <summary>Gets the <c>Last-Event-ID</c> sent, or <see langword="null"/>.</summary>
    public string? LastEventId { get; }
}

/// <summary>A connection of a stream was lost or refused (<see cref="SseClientOptions.OnDisconnected"/>).</summary>
public sealed class SseDisconnectedContext
{
    internal SseDisconnectedContext(string streamName, SseDisconnectReason reason, Exception? exception, long eventCount, string? lastEventId, bool willReconnect)
    {
        StreamName = streamName;
        Reason = reason;
        Exception = exception;
        EventCount = eventCount;
        LastEventId = lastEventId;
        WillReconnect = willReconnect;
    }

    /// <summary>Gets the stream, <c>StockFeed.Prices</c>.</summary>
    public string StreamName { get; }

    /// <summary>Gets why the connection ended.</summary>
    public SseDisconnectReason Reason { get; }

    /// <summary>Gets the error behind it, or <see langword="null"/> for an end of the response without the end event.</summary>
    public Exception? Exception { get; }

    /// <summary>Gets how many items the stream has delivered so far, over all its connections.</summary>
    public long EventCount { get; }

    /// <summary>Gets the last event id received, which a reconnect sends, or <see langword="null"/>.</summary>
    public string? LastEventId { get; }

    /// <summary>Gets whether the stream reconnects; otherwise it fails with <see cref="SseConnectionLostException"/>.</summary>
    public bool WillReconnect { get; }
}

/// <summary>A stream is about to reconnect (<see cref="SseClientOptions.OnReconnecting"/>).</summary>
public sealed class SseReconnectingContext
{
    internal SseReconnectingContext(string streamName, int attempt, TimeSpan delay, string? lastEventId)
    {
        StreamName = streamName;
        Attempt = attempt;
        Delay = delay;
        LastEventId = lastEventId;
    }

    /// <summary>Gets the stream, <c>StockFeed.Prices</c>.</summary>
    public string StreamName { get; }

    /// <summary>Gets the attempt's number in a row, from 1; it starts again once a reconnected stream delivers an event.</summary>
    public int Attempt { get; }

    /// <summary>Gets how long the client waits before the attempt.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Gets the <c>Last-Event-ID</c> the attempt sends, or <see langword="null"/>.</summary>
    public string? LastEventId { get; }
}

/// <summary>The server dropped events for this client because it fell behind (<see cref="SseClientOptions.OnGap"/>).</summary>
public sealed class SseGapContext
{
    internal SseGapContext(string streamName, long missed, string? lastEventId)
    {
        StreamName = streamName;
        Missed = missed;
        LastEventId = lastEventId;
    }

    /// <summary>Gets the stream, <c>StockFeed.Prices</c>.</summary>
    public string StreamName { get; }

    /// <summary>Gets how many events were dropped.</summary>
    public long Missed { get; }

    /// <summary>Gets the id of the last event received before the gap, or <see langword="null"/>.</summary>
    public string? LastEventId { get; }
}

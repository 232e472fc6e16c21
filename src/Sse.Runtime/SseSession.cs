using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime;

/// <summary>
/// One logical stream over as many connections as it takes. It connects, hands out what the current connection's
/// parser has buffered, and when a connection is lost (an I/O error, the end of the response without the server's end
/// event, the idle timeout, or a 5xx/408/429 when connecting) it either reconnects with backoff, sending the last event
/// id received as Last-Event-ID, or fails with <see cref="SseConnectionLostException"/>: a resumable stream reconnects
/// (unless <see cref="SseClientOptions.Reconnect"/> is off), another only when
/// <see cref="SseClientOptions.RestartNonResumableStreams"/> is on, starting over. The consumer sees one sequence.
/// </summary>
internal sealed class SseSession<T> : IAsyncDisposable
{
    private readonly HttpClient _httpClient;
    private SseRequest _request;
    private readonly SseEventFormat<T> _format;
    private readonly SseClientOptions _options;
    private readonly SseReconnectPolicy _policy;
    private readonly SseClientMetrics _metrics;
    private readonly CancellationToken _cancellationToken;
    private readonly bool _mayReconnect;

    private SseResponse<T>? _response;
    private string? _lastEventId;
    private long _eventCount;
    private bool _ended;
    private bool _reconnected;
    private Activity? _activity;
    private int _connections;
    private bool _reauthenticate;

    public SseSession(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions options, CancellationToken cancellationToken)
    {
        _httpClient = httpClient;
        _request = request;
        _format = format;
        _options = options;
        _policy = new SseReconnectPolicy(options);
        _metrics = SseClientMetrics.For(options.MeterFactory);
        _cancellationToken = cancellationToken;
        _lastEventId = request.LastEventId;
        _mayReconnect = request.IsResumable ? options.Reconnect : options.RestartNonResumableStreams;
    }

    /// <summary>Opens the first connection; <see langword="false"/> when the server has nothing to stream (204).</summary>
    public async ValueTask<bool> ConnectAsync()
    {
        // The stream's activity, a child of the caller's: every connection's request is made under it (see
        // ConnectCoreAsync), so the server's activities of the first connection and of each reconnect are in its trace.
        _activity = SseClientMetrics.ActivitySource.StartActivity("sse.stream", ActivityKind.Internal);
        _activity?.SetTag("sse.stream", _request.StreamName);
        try
        {
            return await ConnectCoreAsync(firstConnection: true).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _ended = true;
            _request.Run?.Fail(ex);
            _activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    /// <summary>Hands out the next item the current connection has buffered, without waiting.</summary>
    public bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (_response is not null && _response.Parser.TryRead(out item))
        {
            Delivered(_response.Parser);
            return true;
        }

        item = default;
        return false;
    }

    /// <summary>Like <see cref="TryRead(out T)"/>, with the event's name, id and reconnection interval.</summary>
    public bool TryReadItem(out SseItem<T> item)
    {
        if (_response is not null && _response.Parser.TryReadItem(out item))
        {
            Delivered(_response.Parser);
            return true;
        }

        item = default;
        return false;
    }

    private void Delivered(SseEventParser<T> parser)
    {
        if (parser.MissedEvents > 0)
        {
            ReportGap(parser);
        }

        _eventCount++;
        if (_reconnected)
        {
            // A reconnected stream delivered: the next loss counts its attempts from one again.
            _reconnected = false;
            _policy.Reset();
        }
    }

    /// <summary>
    /// Waits for more of the stream: <see langword="true"/> when there may be items to read, <see langword="false"/>
    /// when the stream ended normally (the server's end event, or 204 on a reconnect).
    /// </summary>
    public async ValueTask<bool> FillAsync()
    {
        while (!_ended)
        {
            if (_response is null)
            {
                if (!await ConnectCoreAsync(firstConnection: false).ConfigureAwait(false))
                {
                    return false;
                }

                continue;
            }

            var parser = _response.Parser;
            if (parser.MissedEvents > 0)
            {
                ReportGap(parser);
            }

            (SseDisconnectReason Reason, Exception? Error) lost;
            try
            {
                if (await parser.FillAsync(_cancellationToken).ConfigureAwait(false))
                {
                    _policy.ServerRetry = parser.ReconnectionInterval ?? _policy.ServerRetry;
                    return true;
                }

                if (parser.ReauthenticateReason is not null)
                {
                    // The credential no longer holds: resume at once with a fresh one (an expiry is not a failure).
                    _reauthenticate = true;
                    lost = (SseDisconnectReason.Reauthenticate, null);
                }
                else if (parser.EndReceived || !_options.RequireEndEvent)
                {
                    _ended = true;
                    _response.Completed = true;
                    Log(parser.EndReceived ? "the server announced its end" : "the response ended");
                    await CloseAsync().ConfigureAwait(false);
                    return false;
                }
                else
                {
                    lost = (SseDisconnectReason.EndOfStream, null);
                }
            }
            catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (SseIdleTimeoutException ex)
            {
                lost = (SseDisconnectReason.IdleTimeout, ex);
            }
            catch (Exception ex) when (IsTransport(ex))
            {
                lost = (SseDisconnectReason.ConnectionError, ex);
            }

            _lastEventId = NullIfEmpty(parser.LastEventId);
            _policy.ServerRetry = parser.ReconnectionInterval ?? _policy.ServerRetry;
            await CloseAsync().ConfigureAwait(false);
            OnLost(lost.Reason, lost.Error);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _ended = true;
        _request.Run?.Fail(null);
        await CloseAsync().ConfigureAwait(false);
        if (_activity is { } activity)
        {
            _activity = null;
            activity.SetTag("sse.events", _eventCount);
            activity.SetTag("sse.reconnects", Math.Max(0, _connections - 1));
            activity.Dispose();
        }
    }

    /// <summary>Connects, retrying what is worth retrying; <see langword="false"/> on 204 No Content.</summary>
    private async ValueTask<bool> ConnectCoreAsync(bool firstConnection)
    {
        TimeSpan? retryAfter = null;
        while (true)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var reauthenticate = _reauthenticate;
            _reauthenticate = false;
            if (!firstConnection && !reauthenticate)
            {
                var delay = _policy.NextDelay(retryAfter);
                _options.OnReconnecting?.Invoke(new SseReconnectingContext(_request.StreamName, _policy.Attempts, delay, _lastEventId));
                if (_options.Logger is { } logger)
                {
                    SseClientLog.Reconnecting(logger, _request.StreamName, (long)delay.TotalMilliseconds, _policy.Attempts, _lastEventId);
                }

                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _options.TimeProvider, _cancellationToken).ConfigureAwait(false);
                }
            }

            (SseDisconnectReason Reason, Exception Error) failed;
            try
            {
                // Made under the stream's activity (this method's own context: the caller's current activity is not changed).
                if (_activity is not null)
                {
                    Activity.Current = _activity;
                }

                var response = await SseResponse<T>.OpenAsync(_httpClient, _request, _lastEventId, _format, _options, reauthenticate, _cancellationToken).ConfigureAwait(false);
                if (response is null)
                {
                    // 204 No Content: the server has nothing more for this stream.
                    _ended = true;
                    Log("the server answered 204 No Content");
                    return false;
                }

                if (_request.Run is { } run)
                {
                    // A run: its start's answer says its id, and every later connection attaches by it (never re-POSTs).
                    if (run.Id is null)
                    {
                        if (!response.Response.Headers.TryGetValues(SseProtocol.RunIdHeader, out var ids) || System.Linq.Enumerable.FirstOrDefault(ids) is not { Length: > 0 } id)
                        {
                            await response.DisposeAsync().ConfigureAwait(false);
                            throw new SseProtocolException($"The server did not start a run for '{_request.StreamName}': its response has no {SseProtocol.RunIdHeader} header (is it an older server, or a proxy that drops the header?).");
                        }

                        run.SetId(id);
                    }

                    if (_request.Method != HttpMethod.Get)
                    {
                        _request = run.AttachRequest();
                    }
                }

                _response = response;
                _connections++;
                _reconnected = !firstConnection;
                var message = response.Response;
                _options.OnConnected?.Invoke(new SseConnectedContext(_request.StreamName, response.RequestUri, message.StatusCode, message.Version, _policy.Attempts, _lastEventId));
                if (_options.Logger is { } logger)
                {
                    SseClientLog.Connected(logger, _request.StreamName, response.RequestUri, message.Version, _policy.Attempts, _lastEventId);
                }

                return true;
            }
            catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (SseHttpException ex) when (ex.IsRetryable && (_mayReconnect || !firstConnection))
            {
                failed = (SseDisconnectReason.RetryableStatus, ex);
                retryAfter = ex.RetryAfter;
            }
            catch (SseIdleTimeoutException ex)
            {
                failed = (SseDisconnectReason.ConnectFailed, ex);
            }
            catch (Exception ex) when (IsTransport(ex) || ex is OperationCanceledException)
            {
                // An OperationCanceledException the caller did not ask for is HttpClient.Timeout or a handler's timeout.
                failed = (SseDisconnectReason.ConnectFailed, ex);
            }

            firstConnection = false;
            OnLost(failed.Reason, failed.Error);
        }
    }

    /// <summary>A connection was lost or refused: report it, then go on (reconnect) or fail the stream.</summary>
    private void OnLost(SseDisconnectReason reason, Exception? error)
    {
        var willReconnect = _mayReconnect && _policy.CanAttempt;
        _metrics.Disconnect(_request.StreamName, reason);
        _options.OnDisconnected?.Invoke(new SseDisconnectedContext(_request.StreamName, reason, error, _eventCount, _lastEventId, willReconnect));
        if (_options.Logger is { } logger)
        {
            SseClientLog.Disconnected(logger, _request.StreamName, reason, _eventCount, _lastEventId, willReconnect, error);
        }

        if (!willReconnect)
        {
            _ended = true;
            var why = !_mayReconnect
                ? _request.IsResumable
                    ? "reconnection is turned off (SseClientOptions.Reconnect)."
                    : "the stream cannot resume (its method has no [LastEventId]), so it fails rather than start over silently (SseClientOptions.RestartNonResumableStreams)."
                : $"{_policy.Attempts} reconnection attempts in a row failed (SseClientOptions.MaxReconnectAttempts).";
            _activity?.SetStatus(ActivityStatusCode.Error, why);
            throw new SseConnectionLostException(_request.StreamName, reason, _eventCount, _lastEventId, _policy.Attempts, why, error);
        }

        _metrics.Reconnect(_request.StreamName, reason);
    }

    /// <summary>The server dropped events for this subscriber (it fell behind): the stream goes on, and the loss is reported.</summary>
    private void ReportGap(SseEventParser<T> parser)
    {
        var missed = parser.MissedEvents;
        parser.MissedEvents = 0;
        _options.OnGap?.Invoke(new SseGapContext(_request.StreamName, missed, NullIfEmpty(parser.LastEventId)));
        if (_options.Logger is { } logger)
        {
            SseClientLog.Gap(logger, _request.StreamName, missed, parser.LastEventId);
        }
    }

    private async ValueTask CloseAsync()
    {
        var response = _response;
        _response = null;
        if (response is not null)
        {
            await response.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Log(string how)
    {
        if (_options.Logger is { } logger)
        {
            SseClientLog.Ended(logger, _request.StreamName, how);
        }
    }

    /// <summary>
    /// Failures of the transport, as opposed to answers the server gave (a 4xx, a wrong content type) or the caller's
    /// cancellation. A bare <see cref="System.Net.Sockets.SocketException"/> is one too: a connection reset right after
    /// it was accepted surfaces that way, unwrapped.
    /// </summary>
    private static bool IsTransport(Exception ex) =>
        ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException || (ex is HttpRequestException && ex is not SseHttpException);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

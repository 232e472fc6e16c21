using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime;

/// <summary>
/// One connection of a stream: the request message, the validated response, its body, the parser reading it and the
/// watchdog bounding its quiet time. Disposing it before the stream ended (the consumer broke out, cancelled, or an
/// error was thrown) aborts the connection rather than letting the handler drain an endless response.
/// </summary>
internal sealed class SseResponse<T> : IAsyncDisposable
{
    private readonly HttpRequestMessage _message;
    private readonly HttpResponseMessage _response;
    private readonly Stream _stream;
    private readonly SseIdleWatchdog _watchdog;

    private SseResponse(HttpRequestMessage message, HttpResponseMessage response, Stream stream, SseEventParser<T> parser, SseIdleWatchdog watchdog)
    {
        _message = message;
        _response = response;
        _stream = stream;
        _watchdog = watchdog;
        Parser = parser;
    }

    public SseEventParser<T> Parser { get; }

    public HttpResponseMessage Response => _response;

    public Uri? RequestUri => _message.RequestUri;

    /// <summary>Gets or sets whether the stream was read to its end, so closing it needs no abort.</summary>
    public bool Completed { get; set; }

    /// <summary>
    /// Sends the request (with <paramref name="lastEventId"/> as Last-Event-ID) and validates the response; returns
    /// <see langword="null"/> when the server answered 204 No Content: nothing to stream. Waiting for the response
    /// headers is bounded by the idle timeout as reading is.
    /// </summary>
    public static async Task<SseResponse<T>?> OpenAsync(HttpClient httpClient, SseRequest request, string? lastEventId, SseEventFormat<T> format, SseClientOptions options, bool reauthenticate, CancellationToken cancellationToken)
    {
        var message = request.CreateMessage(httpClient, lastEventId);
        if (reauthenticate)
        {
            message.Options.Set(SseRequestOptions.Reauthenticate, true);
        }

        var watchdog = new SseIdleWatchdog(options.TimeProvider, options.IdleTimeout, cancellationToken);
        HttpResponseMessage? response = null;
        try
        {
            try
            {
                response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, watchdog.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && watchdog.TimedOut)
            {
                throw new SseIdleTimeoutException(options.IdleTimeout);
            }
            catch (HttpRequestException ex) when (request.HasNonAsciiHeader(lastEventId) && ex.InnerException is null)
            {
                throw new InvalidOperationException(
                    "A header of the request (a [SseHeader] value or Last-Event-ID) holds non-ASCII text, which the HttpClient's handler refuses to send. " +
                    "Register the client with its generated Add...Client method, which sends headers as UTF-8, or give the HttpClient a handler that does: " +
                    "new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 }.", ex);
            }

            watchdog.Touch();
            if (!await SseResponseValidator.EnsureEventStreamAsync(message, response, watchdog.Token).ConfigureAwait(false))
            {
                response.Dispose();
                message.Dispose();
                watchdog.Dispose();
                return null;
            }

            var stream = await response.Content.ReadAsStreamAsync(watchdog.Token).ConfigureAwait(false);
            var parser = new SseEventParser<T>(stream, format, options, lastEventId, watchdog);
            return new SseResponse<T>(message, response, stream, parser, watchdog);
        }
        catch
        {
            response?.Dispose();
            message.Dispose();
            watchdog.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Parser.Dispose();
        if (!Completed)
        {
            await ResponseStreamCloser.AbortAsync(_stream).ConfigureAwait(false);
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _message.Dispose();
        _watchdog.Dispose();
    }
}

using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime;

/// <summary>
/// One open event stream: the request, the validated response, its body and the parser reading it. Disposing it
/// before the stream ended (the consumer broke out, cancelled, or an error was thrown) aborts the connection rather
/// than letting the handler drain an endless response.
/// </summary>
internal sealed class SseResponse<T> : IAsyncDisposable
{
    private readonly HttpRequestMessage _message;
    private readonly HttpResponseMessage _response;
    private readonly Stream _stream;

    private SseResponse(HttpRequestMessage message, HttpResponseMessage response, Stream stream, SseEventParser<T> parser)
    {
        _message = message;
        _response = response;
        _stream = stream;
        Parser = parser;
    }

    public SseEventParser<T> Parser { get; }

    /// <summary>Gets or sets whether the stream was read to its end, so closing it needs no abort.</summary>
    public bool Completed { get; set; }

    /// <summary>Sends the request and validates the response; <see langword="null"/> when the server answered 204 No Content: nothing to stream.</summary>
    public static async Task<SseResponse<T>?> OpenAsync(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(format);

        var message = request.CreateMessage(httpClient);
        HttpResponseMessage? response = null;
        try
        {
            try
            {
                response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (request.HasNonAsciiHeader() && ex.InnerException is null)
            {
                throw new InvalidOperationException(
                    "A header of the request (a [SseHeader] value or Last-Event-ID) holds non-ASCII text, which the HttpClient's handler refuses to send. " +
                    "Register the client with its generated Add...Client method, which sends headers as UTF-8, or give the HttpClient a handler that does: " +
                    "new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 }.", ex);
            }
            if (!await SseResponseValidator.EnsureEventStreamAsync(message, response, cancellationToken).ConfigureAwait(false))
            {
                response.Dispose();
                message.Dispose();
                return null;
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new SseResponse<T>(message, response, stream, new SseEventParser<T>(stream, format, options ?? SseClientOptions.Default));
        }
        catch
        {
            response?.Dispose();
            message.Dispose();
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
    }
}

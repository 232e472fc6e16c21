using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// Sends a stream request and reads the <c>text/event-stream</c> response as typed items. Generated clients call
/// it; it can also be used directly with a hand-written <see cref="SseEventFormat{T}"/>.
/// </summary>
/// <remarks>
/// The response is read by the WHATWG event-stream rules and each event's data is deserialized from its UTF-8
/// bytes, without an intermediate string. Cancelling the token or disposing the
/// enumerator closes the response.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseStreamReader
{
    /// <summary>Reads the items of a stream.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The request.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">Limits and timeouts, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Ends the stream and closes the response.</param>
    /// <returns>The items, in the order the server wrote them.</returns>
    /// <exception cref="SseHttpException">The server answered with a non-success status.</exception>
    /// <exception cref="SseContentTypeException">The response is not <c>text/event-stream</c>.</exception>
    /// <exception cref="SsePayloadException">An event's data is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="SseEventTooLargeException">An event exceeded <see cref="SseClientOptions.MaxEventSize"/>.</exception>
    /// <exception cref="SseIdleTimeoutException">Nothing arrived within <see cref="SseClientOptions.IdleTimeout"/>.</exception>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        HttpClient httpClient,
        SseRequest request,
        SseEventFormat<T> format,
        SseClientOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Each public reader yields straight from the parser: one state machine per event, not one per layer.
        var response = await SseResponse<T>.OpenAsync(httpClient, request, format, options, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            yield break; // 204 No Content: nothing to stream.
        }

        await using (response.ConfigureAwait(false))
        {
            var parser = response.Parser;
            do
            {
                while (parser.TryRead(out var item))
                {
                    yield return item.Data;
                }
            }
            while (await parser.FillAsync(cancellationToken).ConfigureAwait(false));
            response.Completed = true;
        }
    }

    /// <summary>Reads the items of a stream with their event name, id and reconnection interval.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The request.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">Limits and timeouts, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Ends the stream and closes the response.</param>
    /// <returns>The items, in the order the server wrote them.</returns>
    /// <exception cref="SseHttpException">The server answered with a non-success status.</exception>
    /// <exception cref="SseContentTypeException">The response is not <c>text/event-stream</c>.</exception>
    /// <exception cref="SsePayloadException">An event's data is not valid JSON for <typeparamref name="T"/>.</exception>
    /// <exception cref="SseEventTooLargeException">An event exceeded <see cref="SseClientOptions.MaxEventSize"/>.</exception>
    /// <exception cref="SseIdleTimeoutException">Nothing arrived within <see cref="SseClientOptions.IdleTimeout"/>.</exception>
    public static async IAsyncEnumerable<SseItem<T>> ReadItemsAsync<T>(
        HttpClient httpClient,
        SseRequest request,
        SseEventFormat<T> format,
        SseClientOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await SseResponse<T>.OpenAsync(httpClient, request, format, options, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            yield break; // 204 No Content: nothing to stream.
        }

        await using (response.ConfigureAwait(false))
        {
            var parser = response.Parser;
            do
            {
                while (parser.TryRead(out var item))
                {
                    yield return item;
                }
            }
            while (await parser.FillAsync(cancellationToken).ConfigureAwait(false));
            response.Completed = true;
        }
    }

    /// <summary>Reads events from a <c>text/event-stream</c> body: the parser behind every client.</summary>
    internal static async IAsyncEnumerable<SseItem<T>> ReadEventsAsync<T>(
        Stream stream,
        SseEventFormat<T> format,
        SseClientOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var parser = new SseEventParser<T>(stream, format, options);
        do
        {
            while (parser.TryRead(out var item))
            {
                yield return item;
            }
        }
        while (await parser.FillAsync(cancellationToken).ConfigureAwait(false));
    }
}

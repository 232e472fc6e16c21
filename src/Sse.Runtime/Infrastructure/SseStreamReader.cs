using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// Reads a stream request's <c>text/event-stream</c> responses as typed items, reconnecting as the request and the
/// options allow (see <see cref="SseClientOptions.Reconnect"/>). Generated clients call it.
/// </summary>
/// <remarks>
/// The response is read by the WHATWG event-stream rules and each event's data is deserialized from its UTF-8
/// bytes, without an intermediate string. Nothing is sent until the first <c>MoveNextAsync</c> (or
/// <see cref="SseStreamExtensions.ConnectAsync{T}"/>). Cancelling the token or disposing the enumerator closes the response.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseStreamReader
{
    /// <summary>Reads the items of a stream.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The request.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">Limits, timeouts and reconnection, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Ends the stream and closes the response.</param>
    /// <returns>The items, in the order the server wrote them, across reconnections.</returns>
    public static IAsyncEnumerable<T> ReadAsync<T>(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(format);
        return new SseDataStream<T>(httpClient, request, format, options ?? SseClientOptions.Default, cancellationToken);
    }

    /// <summary>Reads the items of a stream with their event name, id and reconnection interval.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The request.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">Limits, timeouts and reconnection, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Ends the stream and closes the response.</param>
    /// <returns>The items, in the order the server wrote them, across reconnections.</returns>
    public static IAsyncEnumerable<SseItem<T>> ReadItemsAsync<T>(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(format);
        return new SseItemStream<T>(httpClient, request, format, options ?? SseClientOptions.Default, cancellationToken);
    }

    /// <summary>Reads events from a <c>text/event-stream</c> body: the parser behind every client, for tests and benchmarks.</summary>
    internal static async IAsyncEnumerable<SseItem<T>> ReadEventsAsync<T>(
        Stream stream,
        SseEventFormat<T> format,
        SseClientOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var watchdog = new SseIdleWatchdog(options.TimeProvider, options.IdleTimeout, cancellationToken);
        using var parser = new SseEventParser<T>(stream, format, options, lastEventId: null, watchdog);
        do
        {
            while (parser.TryReadItem(out var item))
            {
                yield return item;
            }
        }
        while (await parser.FillAsync(cancellationToken).ConfigureAwait(false));
    }
}

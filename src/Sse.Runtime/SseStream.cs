using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime;

/// <summary>A stream that can be connected before it is enumerated (<see cref="SseStreamExtensions.ConnectAsync{T}"/>).</summary>
internal interface ISseConnectable<T>
{
    /// <summary>Starts an enumeration and waits until its first connection is established.</summary>
    ValueTask<IAsyncEnumerator<T>> ConnectAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What a generated client method returns: each enumeration is one <see cref="SseSession{T}"/> (one logical stream,
/// over as many connections as it takes). <typeparamref name="TOut"/> is the item, or its <see cref="SseItem{T}"/>.
/// </summary>
internal abstract class SseStream<T, TOut> : IAsyncEnumerable<TOut>, ISseConnectable<TOut>
{
    private readonly HttpClient _httpClient;
    private readonly SseRequest _request;
    private readonly SseEventFormat<T> _format;
    private readonly SseClientOptions _options;
    private readonly CancellationToken _cancellationToken;

    protected SseStream(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions options, CancellationToken cancellationToken)
    {
        _httpClient = httpClient;
        _request = request;
        _format = format;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    public IAsyncEnumerator<TOut> GetAsyncEnumerator(CancellationToken cancellationToken = default) => CreateEnumerator(cancellationToken);

    public async ValueTask<IAsyncEnumerator<TOut>> ConnectAsync(CancellationToken cancellationToken)
    {
        var enumerator = CreateEnumerator(cancellationToken);
        try
        {
            await enumerator.ConnectAsync().ConfigureAwait(false);
            return enumerator;
        }
        catch
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Hands out what the consumer sees of the next buffered event: the item alone, or with its name and id.</summary>
    protected abstract bool TryRead(SseSession<T> session, [MaybeNullWhen(false)] out TOut item);

    private Enumerator CreateEnumerator(CancellationToken cancellationToken)
    {
        // Both the method's token and the enumeration's (WithCancellation) end the stream.
        CancellationTokenSource? linked = null;
        var token = _cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            if (token.CanBeCanceled && token != cancellationToken)
            {
                linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
                token = linked.Token;
            }
            else
            {
                token = cancellationToken;
            }
        }

        return new Enumerator(this, new SseSession<T>(_httpClient, _request, _format, _options, token), linked);
    }

    /// <summary>
    /// Hands out buffered items synchronously (no async machinery per item); only waiting for the network is async.
    /// </summary>
    private sealed class Enumerator : IAsyncEnumerator<TOut>
    {
        private readonly SseStream<T, TOut> _stream;
        private readonly SseSession<T> _session;
        private readonly CancellationTokenSource? _linked;
        private bool _connected;
        private bool _finished;

        public Enumerator(SseStream<T, TOut> stream, SseSession<T> session, CancellationTokenSource? linked)
        {
            _stream = stream;
            _session = session;
            _linked = linked;
        }

        public TOut Current { get; private set; } = default!;

        public async ValueTask ConnectAsync()
        {
            _connected = true;
            _finished = !await _session.ConnectAsync().ConfigureAwait(false);
        }

        public ValueTask<bool> MoveNextAsync()
        {
            if (_stream.TryRead(_session, out var item))
            {
                Current = item;
                return new ValueTask<bool>(true);
            }

            return MoveNextSlowAsync();
        }

        public async ValueTask DisposeAsync()
        {
            _finished = true;
            await _session.DisposeAsync().ConfigureAwait(false);
            _linked?.Dispose();
        }

        private async ValueTask<bool> MoveNextSlowAsync()
        {
            if (!_connected)
            {
                await ConnectAsync().ConfigureAwait(false);
            }

            while (!_finished)
            {
                if (_stream.TryRead(_session, out var item))
                {
                    Current = item;
                    return true;
                }

                if (!await _session.FillAsync().ConfigureAwait(false))
                {
                    _finished = true;
                }
            }

            return false;
        }
    }
}

/// <summary>A stream of items.</summary>
internal sealed class SseDataStream<T>(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions options, CancellationToken cancellationToken)
    : SseStream<T, T>(httpClient, request, format, options, cancellationToken)
{
    protected override bool TryRead(SseSession<T> session, [MaybeNullWhen(false)] out T item) => session.TryRead(out item);
}

/// <summary>A stream of items with their event name, id and reconnection interval.</summary>
internal sealed class SseItemStream<T>(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions options, CancellationToken cancellationToken)
    : SseStream<T, SseItem<T>>(httpClient, request, format, options, cancellationToken)
{
    protected override bool TryRead(SseSession<T> session, out SseItem<T> item) => session.TryReadItem(out item);
}

using System.Collections.Generic;
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

    protected abstract TOut Project(in SseItem<T> item);

    /// <summary>Gets whether the consumer sees each item's event id (else ids stay bytes until a reconnect needs one).</summary>
    protected virtual bool ReadsEventIds => true;

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

        return new Enumerator(this, new SseSession<T>(_httpClient, _request, _format, _options, token) { MaterializeEventIds = ReadsEventIds }, linked);
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
            if (_session.TryRead(out var item))
            {
                Current = _stream.Project(item);
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
                if (_session.TryRead(out var item))
                {
                    Current = _stream.Project(item);
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
    protected override T Project(in SseItem<T> item) => item.Data;

    protected override bool ReadsEventIds => false;
}

/// <summary>A stream of items with their event name, id and reconnection interval.</summary>
internal sealed class SseItemStream<T>(HttpClient httpClient, SseRequest request, SseEventFormat<T> format, SseClientOptions options, CancellationToken cancellationToken)
    : SseStream<T, SseItem<T>>(httpClient, request, format, options, cancellationToken)
{
    protected override SseItem<T> Project(in SseItem<T> item) => item;
}

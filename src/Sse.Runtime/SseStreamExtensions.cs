using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime;

/// <summary>Extensions on the streams generated clients return.</summary>
public static class SseStreamExtensions
{
    /// <summary>
    /// Connects a stream before reading it: completes when the server's 200 response headers have arrived, so whatever
    /// the server publishes from then on is delivered. A stream that is enumerated directly connects only at its first
    /// <c>MoveNextAsync</c>; use this when something must happen after the subscription is live (publish a message,
    /// signal readiness).
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="stream">A stream a generated client returned (<c>feed.Prices("AAPL")</c>).</param>
    /// <param name="cancellationToken">Cancels connecting and, later, the stream.</param>
    /// <returns>The connected stream; enumerate it once, then dispose it.</returns>
    /// <remarks>
    /// For a stream that is not a generated client's (a fake in a test, a hand-written implementation), connecting starts
    /// the enumeration and completes at once.
    /// </remarks>
    /// <exception cref="SseHttpException">The server refused the stream.</exception>
    /// <exception cref="SseConnectionLostException">The stream could not connect.</exception>
    public static async Task<SseSubscription<T>> ConnectAsync<T>(this IAsyncEnumerable<T> stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var enumerator = stream is ISseConnectable<T> connectable
            ? await connectable.ConnectAsync(cancellationToken).ConfigureAwait(false)
            : stream.GetAsyncEnumerator(cancellationToken);
        return new SseSubscription<T>(enumerator);
    }
}

/// <summary>
/// A stream that is already connected (<see cref="SseStreamExtensions.ConnectAsync{T}"/>): enumerate it once with
/// <c>await foreach</c>, and dispose it to close the connection.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class SseSubscription<T> : IAsyncEnumerable<T>, IAsyncDisposable
{
    private IAsyncEnumerator<T>? _enumerator;
    private readonly IAsyncEnumerator<T> _owned;

    internal SseSubscription(IAsyncEnumerator<T> enumerator)
    {
        _enumerator = enumerator;
        _owned = enumerator;
    }

    /// <summary>Returns the connected enumerator; a subscription is enumerated once.</summary>
    /// <param name="cancellationToken">Not used: the token given to <see cref="SseStreamExtensions.ConnectAsync{T}"/> cancels the stream.</param>
    /// <returns>The enumerator.</returns>
    /// <exception cref="InvalidOperationException">The subscription was already enumerated.</exception>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _enumerator, null) ?? throw new InvalidOperationException("A connected stream is enumerated once; connect the stream again to read it again.");

    /// <summary>Closes the connection.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _owned.DisposeAsync();
}

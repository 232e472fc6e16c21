using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime;

/// <summary>
/// A run (a contract method with <c>[SseRun]</c>): work the server does under an id it issues, whose events it keeps in
/// its topic log. Enumerating it streams the run's items to its end; a lost connection re-attaches to the run by its id
/// with the last event id, never sending the start again, so nothing is lost or repeated. Enumerating it again attaches
/// from the run's start.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// The generated client's <c>Start{Method}</c> returns one that starts the run when first enumerated;
/// <c>Attach{Method}(runId)</c> one for a run started elsewhere (a reloaded page, another app). The end of the run ends
/// the enumeration; its failure throws <see cref="SseStreamFailedException"/>.
/// </remarks>
public sealed class SseRun<T> : IAsyncEnumerable<T>, ISseConnectable<T>
{
    private readonly HttpClient _httpClient;
    private readonly SseRequest? _start;
    private readonly SseRunState _state;
    private readonly SseEventFormat<T> _format;
    private readonly SseClientOptions _options;
    private readonly CancellationToken _cancellationToken;

    internal SseRun(HttpClient httpClient, SseRequest? start, SseRunState state, SseEventFormat<T> format, SseClientOptions options, CancellationToken cancellationToken)
    {
        _httpClient = httpClient;
        _start = start;
        _state = state;
        _format = format;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Gets the run's id, issued by the server (<c>Sse-Run-Id</c>); <see langword="null"/> until the start was answered.</summary>
    public string? Id => _state.Id;

    /// <summary>
    /// Gets a task that completes with the run's id as soon as the server answered the start (before its first item), or
    /// fails as the start failed. Keep the id (in <c>sessionStorage</c>, a database) to attach to the run later.
    /// </summary>
    public Task<string> Started => _state.Started;

    /// <inheritdoc />
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => Stream().GetAsyncEnumerator(cancellationToken);

    /// <inheritdoc />
    ValueTask<IAsyncEnumerator<T>> ISseConnectable<T>.ConnectAsync(CancellationToken cancellationToken) => ((ISseConnectable<T>)Stream()).ConnectAsync(cancellationToken);

    /// <summary>
    /// Cancels the run for every client attached to it (<c>DELETE</c>): their streams end as the run's end, and the work
    /// stops on whichever server does it. A run that already ended is left as it is.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has ended the run.</returns>
    /// <exception cref="InvalidOperationException">The run has not started yet (nothing enumerated it, or its start was not answered).</exception>
    /// <exception cref="SseHttpException">The server refused, or does not know the run (404).</exception>
    public Task CancelAsync(CancellationToken cancellationToken = default)
    {
        var id = _state.Id ?? throw new InvalidOperationException($"The run of '{_state.StreamName}' has not started yet: enumerate it, or await Started, before cancelling it.");
        var request = new SseRequest(_state.StreamName + ".Cancel", HttpMethod.Delete, _state.PathOf(id), resumable: false);
        return SseCommandClient.SendAsync(_httpClient, request, cancellationToken);
    }

    private SseDataStream<T> Stream()
    {
        var request = _state.Id is null && _start is not null ? _start : _state.AttachRequest();
        return new SseDataStream<T>(_httpClient, request, _format, _options, _cancellationToken);
    }
}

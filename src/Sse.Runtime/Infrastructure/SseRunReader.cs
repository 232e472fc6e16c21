using System;
using System.ComponentModel;
using System.Net.Http;
using System.Threading;

namespace Sse.Runtime.Infrastructure;

/// <summary>Starts and attaches to runs (<c>[SseRun]</c> methods). Generated clients call it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseRunReader
{
    /// <summary>A run that starts when first enumerated: the start request, then attaches by the id its response gives.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="request">The start (the method's POST).</param>
    /// <param name="runsPath">Where the method's runs are attached, before the id: <c>/api/complete/runs/</c>.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">Limits, timeouts and reconnection, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Ends the stream (not the run).</param>
    /// <returns>The run.</returns>
    public static SseRun<T> Start<T>(HttpClient httpClient, SseRequest request, string runsPath, SseEventFormat<T> format, SseClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(runsPath);
        ArgumentNullException.ThrowIfNull(format);
        var state = new SseRunState(request.StreamName, runsPath, id: null, lastEventId: null);
        request.Run = state;
        return new SseRun<T>(httpClient, request, state, format, options ?? SseClientOptions.Default, cancellationToken);
    }

    /// <summary>A run started elsewhere, by its id.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> must be set.</param>
    /// <param name="streamName">The method's name, <c>Completions.Complete</c>.</param>
    /// <param name="runsPath">Where the method's runs are attached, before the id.</param>
    /// <param name="runId">The run's id.</param>
    /// <param name="lastEventId">The last event id already received, or <see langword="null"/> for the whole run.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">Limits, timeouts and reconnection, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Ends the stream (not the run).</param>
    /// <returns>The run.</returns>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is empty.</exception>
    public static SseRun<T> Attach<T>(HttpClient httpClient, string streamName, string runsPath, string runId, string? lastEventId, SseEventFormat<T> format, SseClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(streamName);
        ArgumentException.ThrowIfNullOrEmpty(runsPath);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(format);
        var state = new SseRunState(streamName, runsPath, runId, lastEventId);
        return new SseRun<T>(httpClient, start: null, state, format, options ?? SseClientOptions.Default, cancellationToken);
    }
}

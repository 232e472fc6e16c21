using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sse.Runtime.AspNetCore;

/// <summary>A run at work, as its host sees it.</summary>
internal interface ISseRunWork
{
    string Id { get; }

    Task Completion { get; }

    /// <summary>Stops the work (once; the first reason stands).</summary>
    void Stop(SseRunStop why);
}

/// <summary>
/// The runs at work on this server: where a cancel made here finds its run at once, and what ends every run when the
/// application stops (each with the error event, so attached clients are told instead of waiting out the deadline).
/// Disposing it waits a little for those ends to reach the log, before the log itself goes.
/// </summary>
internal sealed class SseRunHost : IAsyncDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ISseRunWork> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenRegistration _stopping;
    private int _stopped;

    public SseRunHost(IServiceProvider services)
    {
        Logger = services.GetService<ILoggerFactory>()?.CreateLogger("Sse.Runtime.AspNetCore.Runs") ?? NullLogger.Instance;
        TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        _stopping = stopping.UnsafeRegister(static state => ((SseRunHost)state!).StopAll(), this);
    }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Takes a run in; <see langword="false"/> when the application is stopping (no run starts then).</summary>
    public bool TryAdd(ISseRunWork run) => Volatile.Read(ref _stopped) == 0 && _runs.TryAdd(run.Id, run);

    public void Remove(ISseRunWork run) => _runs.TryRemove(new(run.Id, run));

    /// <summary>Whether a run of this id is at work on this server.</summary>
    public bool IsRunning(string runId) => _runs.ContainsKey(runId);

    /// <summary>Cancels a run at work here; <see langword="false"/> when it is not (another server runs it, or it ended).</summary>
    public bool TryCancel(string runId)
    {
        if (_runs.TryGetValue(runId, out var run))
        {
            run.Stop(SseRunStop.Cancelled);
            return true;
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        StopAll();
        var running = _runs.Values.Select(static run => run.Completion).ToArray();
        if (running.Length > 0)
        {
            try
            {
                await Task.WhenAll(running).WaitAsync(StopWait).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Their clients are told at the runs' deadlines.
            }
        }
    }

    private void StopAll()
    {
        Volatile.Write(ref _stopped, 1);
        foreach (var run in _runs.Values)
        {
            run.Stop(SseRunStop.Stopped);
        }
    }
}

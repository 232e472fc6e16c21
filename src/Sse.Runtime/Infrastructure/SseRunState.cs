using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// What a run's client knows of it: its method, where its runs are attached (<c>/api/complete/runs/</c>), and its id once
/// the server issued it. A session whose request carries it reads the id from the start's response and makes every later
/// connection an attach by that id.
/// </summary>
internal sealed class SseRunState
{
    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _firstLastEventId;
    private string? _id;

    public SseRunState(string streamName, string runsPath, string? id, string? lastEventId)
    {
        StreamName = streamName;
        RunsPath = runsPath;
        _firstLastEventId = lastEventId;
        ProposedId = id ?? SseProtocol.NewRunId();
        if (id is not null)
        {
            _id = id;
            _started.SetResult(id);
        }

        // A start nobody awaits must not report an unobserved failure.
        _ = _started.Task.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public string StreamName { get; }

    public string RunsPath { get; }

    public string? Id => Volatile.Read(ref _id);

    /// <summary>The id the start proposes (<c>Sse-Run-Id</c> on its request), the same on every retry of it.</summary>
    public string ProposedId { get; }

    public Task<string> Started => _started.Task;

    public string PathOf(string id) => RunsPath + Uri.EscapeDataString(id);

    /// <summary>The attach request: a resumable GET of the run, from its start or the first Last-Event-ID given.</summary>
    public SseRequest AttachRequest() => new(StreamName, HttpMethod.Get, PathOf(Id!), resumable: true) { LastEventId = _firstLastEventId, Run = this };

    /// <summary>The start was answered with the run's id.</summary>
    public void SetId(string id)
    {
        if (Interlocked.CompareExchange(ref _id, id, null) is null)
        {
            _started.TrySetResult(id);
        }
    }

    /// <summary>The start failed, or was given up, before the id came.</summary>
    public void Fail(Exception? exception)
    {
        if (Id is null)
        {
            if (exception is null or OperationCanceledException)
            {
                _started.TrySetCanceled();
            }
            else
            {
                _started.TrySetException(exception);
            }
        }
    }
}

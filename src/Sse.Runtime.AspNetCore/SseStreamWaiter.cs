using System;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Waits for an iterator stream's next item and writes a heartbeat comment whenever the stream has written nothing for
/// a whole interval, between frames, never inside one. Made once per stream: a wait costs no timer, no linked token
/// and no task (the stream's place on the shared <see cref="SseHeartbeats"/> timer wakes it when a heartbeat is due).
/// </summary>
internal sealed class SseStreamWaiter : IDisposable
{
    private readonly SseSignal _signal = new();
    private readonly Action _wake;
    private readonly SseHeartbeats.Registration _registration;
    private readonly TimeProvider _timeProvider;
    private int _heartbeatDue;

    public SseStreamWaiter(SseHeartbeats heartbeats, TimeSpan interval, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _wake = _signal.Set;
        _registration = heartbeats.Register(interval, () =>
        {
            Volatile.Write(ref _heartbeatDue, 1);
            _signal.Set();
        });
    }

    /// <summary>Records that the stream wrote, so its next heartbeat is a whole interval away.</summary>
    public void Wrote() => _registration.Wrote(_timeProvider.GetTimestamp());

    /// <summary>
    /// Returns when <paramref name="next"/> has completed (its result is then read by the caller, once), writing
    /// heartbeats meanwhile. When the client is gone, cancels <paramref name="streamCts"/> and keeps waiting for the
    /// producer to finish.
    /// </summary>
    // CA2012: the caller awaits the same ValueTask once after this returns; here it is only observed for completion.
#pragma warning disable CA2012
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitAsync(ValueTask<bool> next, SseFrameWriter writer, PipeWriter pipe, CancellationTokenSource streamCts)
    {
        next.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_wake);
        while (!next.IsCompleted)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            if (next.IsCompleted || Interlocked.Exchange(ref _heartbeatDue, 0) == 0 || streamCts.IsCancellationRequested)
            {
                continue;
            }

            writer.WriteComment("heartbeat"u8);
            SseServerMetrics.Heartbeat();
            Wrote();
            FlushResult flush;
            try
            {
                flush = await pipe.FlushAsync(streamCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                continue; // The stream is ending; the producer finishes on its own token.
            }

            if (flush.IsCompleted || flush.IsCanceled)
            {
                // The client is gone: stop the producer and let it finish.
                await streamCts.CancelAsync().ConfigureAwait(false);
            }
        }
    }
#pragma warning restore CA2012

    public void Dispose() => _registration.Dispose();
}

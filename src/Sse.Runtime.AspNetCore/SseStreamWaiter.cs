using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Waits for an iterator stream's next item and writes a heartbeat comment whenever the stream has written nothing for
/// a whole interval, between frames, never inside one. Made once per stream: a wait costs no timer, no linked token
/// and no task (the stream's place on the shared <see cref="SseHeartbeats"/> timer wakes it when a heartbeat is due).
/// </summary>
internal sealed class SseStreamWaiter
{
    private readonly SseSignal _signal = new();
    private readonly Action _wake;
    private readonly SseResponseSession _session;
    private int _heartbeatDue;

    private SseStreamWaiter(SseResponseSession session)
    {
        _session = session;
        _wake = _signal.Set;
        session.RegisterHeartbeats(() =>
        {
            Volatile.Write(ref _heartbeatDue, 1);
            _signal.Set();
        });
    }

    /// <summary>A waiter for the session's stream, or <see langword="null"/> when its heartbeats are off (it just awaits).</summary>
    public static SseStreamWaiter? For(SseResponseSession session) => session.HeartbeatsEnabled ? new SseStreamWaiter(session) : null;

    /// <summary>
    /// Returns when <paramref name="next"/> has completed (its result is then read by the caller, once), writing
    /// heartbeats meanwhile. When the client is gone, cancels the session's token and keeps waiting for the producer to
    /// finish.
    /// </summary>
    // CA2012: the caller awaits the same ValueTask once after this returns; here it is only observed for completion.
#pragma warning disable CA2012
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitAsync(ValueTask<bool> next)
    {
        next.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_wake);
        while (!next.IsCompleted)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            if (next.IsCompleted || Interlocked.Exchange(ref _heartbeatDue, 0) == 0 || _session.Token.IsCancellationRequested)
            {
                continue;
            }

            _session.WriteHeartbeat();
            bool open;
            try
            {
                open = await _session.FlushAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                continue; // The stream is ending; the producer finishes on its own token.
            }

            if (!open)
            {
                // The client is gone: stop the producer and let it finish.
                await _session.CancelAsync().ConfigureAwait(false);
            }
        }
    }
#pragma warning restore CA2012
}

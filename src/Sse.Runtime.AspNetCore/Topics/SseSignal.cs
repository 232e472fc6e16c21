using System;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// An auto-reset signal with one waiter that allocates nothing per wait: the stream's writer loop waits on it, and
/// publishers, the heartbeat timer and cancellation set it. A set with no waiter is remembered for the next wait.
/// </summary>
internal sealed class SseSignal : IValueTaskSource
{
    private readonly object _lock = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _pending;
    private bool _waiting;

    /// <summary>Waits until the signal is set (at once when it was set since the last wait).</summary>
    public ValueTask WaitAsync()
    {
        lock (_lock)
        {
            if (_pending)
            {
                _pending = false;
                return ValueTask.CompletedTask;
            }

            _core.Reset();
            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    /// <summary>Sets the signal: wakes the waiter, or the next wait returns at once.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetResult(true);
            }
            else
            {
                _pending = true;
            }
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

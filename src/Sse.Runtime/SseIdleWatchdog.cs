using System;
using System.Threading;

namespace Sse.Runtime;

/// <summary>
/// Ends a connection that receives nothing for the idle timeout. One timer per connection checks, every quarter of the
/// timeout, when bytes last arrived; a read only records a timestamp. So waiting for bytes costs no timer reset or
/// cancellation registration per read, and the loss is noticed at most a quarter of the timeout late. Only waiting
/// counts: while the consumer works through what it has read (<see cref="Pause"/> to <see cref="Resume"/>), a quiet
/// server is not idle, so a slow consumer is never taken for a lost connection.
/// </summary>
internal sealed class SseIdleWatchdog : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationTokenSource _cts;
    private readonly ITimer? _timer;
    private long _lastActivity;
    private volatile bool _timedOut;
    private volatile bool _paused;

    /// <param name="timeProvider">The clock.</param>
    /// <param name="idleTimeout">The timeout, or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="cancellationToken">The caller's token, which also ends the connection.</param>
    public SseIdleWatchdog(TimeProvider timeProvider, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        _timeProvider = timeProvider;
        _idleTimeout = idleTimeout;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _lastActivity = timeProvider.GetTimestamp();
        if (idleTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = idleTimeout / 4;
            _timer = timeProvider.CreateTimer(static state => ((SseIdleWatchdog)state!).Check(), this, period, period);
        }
    }

    /// <summary>Gets the token the connection's requests and reads run under: cancelled by the caller or the timeout.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Gets whether the timeout (not the caller) ended the connection.</summary>
    public bool TimedOut => _timedOut;

    public TimeSpan IdleTimeout => _idleTimeout;

    /// <summary>Records that bytes arrived.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _timeProvider.GetTimestamp());

    /// <summary>Stops counting: nothing is being waited for until <see cref="Resume"/>.</summary>
    public void Pause() => _paused = true;

    /// <summary>Counts again from now: a read starts waiting.</summary>
    public void Resume()
    {
        Touch();
        _paused = false;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _cts.Dispose();
    }

    private void Check()
    {
        if (_paused || _timeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity)) < _idleTimeout || _cts.IsCancellationRequested)
        {
            return;
        }

        _timedOut = true;
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection closed meanwhile.
        }
    }
}

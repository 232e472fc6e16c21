using System;

namespace Sse.Runtime.AspNetCore;

/// <summary>Lets a repeated warning through once per interval, counting the ones it held back meanwhile.</summary>
internal sealed class SseLogThrottle(TimeSpan interval)
{
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;
    private long _loggedAt;
    private bool _logged;
    private int _suppressed;

    /// <summary>Whether to log now; <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool ShouldLog(out int suppressed)
    {
        var now = Environment.TickCount64;
        lock (this)
        {
            if (!_logged || now - _loggedAt >= _intervalMs)
            {
                _logged = true;
                _loggedAt = now;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }
}

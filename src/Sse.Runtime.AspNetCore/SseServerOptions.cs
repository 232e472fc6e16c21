using System;
using System.Threading;

namespace Sse.Runtime.AspNetCore;

/// <summary>Server-wide settings of generated endpoints; configure with <c>services.Configure&lt;SseServerOptions&gt;(o => ...)</c>.</summary>
public sealed class SseServerOptions
{
    /// <summary>The default <see cref="HeartbeatInterval"/>: 15 seconds.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    private TimeSpan _heartbeatInterval = DefaultHeartbeatInterval;

    /// <summary>
    /// Gets or sets how long a stream may stay quiet before the server writes a heartbeat comment (<c>: heartbeat</c>),
    /// which keeps proxies from closing the connection and resets the client's idle timer. Heartbeats are only ever
    /// written between events. Default 15 s; <see cref="Timeout.InfiniteTimeSpan"/> turns them off. An endpoint or group
    /// can override it with <c>WithSseHeartbeat</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is neither positive nor infinite.</exception>
    public TimeSpan HeartbeatInterval
    {
        get => _heartbeatInterval;
        set
        {
            SseHeartbeatMetadata.Validate(value);
            _heartbeatInterval = value;
        }
    }
}

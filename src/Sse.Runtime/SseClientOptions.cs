using System;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Sse.Runtime;

/// <summary>Limits and timeouts of a generated client's streams.</summary>
/// <remarks>
/// With <c>Add{Name}Client(configureClient, configureOptions)</c> these are named options (the client's name is the
/// contract's full name), so <c>services.Configure&lt;SseClientOptions&gt;("Demo.IStockFeed", o => ...)</c> works too.
/// </remarks>
public sealed class SseClientOptions
{
    /// <summary>The default <see cref="MaxEventSize"/>: 1 MiB.</summary>
    public const int DefaultMaxEventSize = 1024 * 1024;

    /// <summary>The default <see cref="IdleTimeout"/>: 45 seconds, three of the server's default heartbeat intervals.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(45);

    private int _maxEventSize = DefaultMaxEventSize;
    private TimeSpan _idleTimeout = DefaultIdleTimeout;

    /// <summary>
    /// Gets or sets where the client logs what it skips, such as an event whose name the contract has no type for.
    /// <c>Add{Name}Client</c> sets it from the application's <see cref="ILoggerFactory"/> when left <see langword="null"/>.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>Gets the options every client uses unless given others.</summary>
    internal static SseClientOptions Default { get; } = new();

    /// <summary>
    /// Gets or sets the largest event, in bytes of the wire format (field names, values and line ends), that the client
    /// accepts. A longer event, or a line that never ends, fails the stream with <see cref="SseEventTooLargeException"/>
    /// instead of growing memory without bound. Default 1 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxEventSize
    {
        get => _maxEventSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxEventSize = value;
        }
    }

    /// <summary>
    /// Gets or sets how long the stream may go without receiving a byte (heartbeat comments included) before it fails
    /// with <see cref="SseIdleTimeoutException"/>. Default 45 s; <see cref="Timeout.InfiniteTimeSpan"/> turns it off,
    /// which a client of a server that sends no heartbeats may need.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is neither positive nor infinite.</exception>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The idle timeout must be positive or Timeout.InfiniteTimeSpan.");
            }

            _idleTimeout = value;
        }
    }
}

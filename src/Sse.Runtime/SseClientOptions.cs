using System;
using System.Diagnostics.Metrics;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Sse.Runtime;

/// <summary>Limits, timeouts and reconnection of a generated client's streams.</summary>
/// <remarks>
/// With <c>Add{Name}Client(configureClient, configureOptions)</c> these are named options (named after the contract,
/// <c>{Name}ClientServiceCollectionExtensions.ClientName</c>), so <c>services.Configure&lt;SseClientOptions&gt;(name, o => ...)</c>
/// works too.
/// </remarks>
public sealed class SseClientOptions
{
    /// <summary>The default <see cref="MaxEventSize"/>: 1 MiB.</summary>
    public const int DefaultMaxEventSize = 1024 * 1024;

    /// <summary>The default <see cref="IdleTimeout"/>: 45 seconds, three of the server's default heartbeat intervals.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(45);

    /// <summary>The default <see cref="InitialReconnectDelay"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultInitialReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default <see cref="MaxReconnectDelay"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultMaxReconnectDelay = TimeSpan.FromSeconds(30);

    private int _maxEventSize = DefaultMaxEventSize;
    private TimeSpan _idleTimeout = DefaultIdleTimeout;
    private TimeSpan _initialReconnectDelay = DefaultInitialReconnectDelay;
    private TimeSpan _maxReconnectDelay = DefaultMaxReconnectDelay;
    private int? _maxReconnectAttempts;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// Gets or sets where the client logs what it skips (an event whose name the contract has no type for) and every
    /// connection transition (connected, disconnected, reconnecting). <c>Add{Name}Client</c> sets it from the application's
    /// <see cref="ILoggerFactory"/> when left <see langword="null"/>.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Gets or sets what makes the client's meter (<c>Sse.Runtime</c>: <c>sse.client.reconnects</c>,
    /// <c>sse.client.disconnects</c>), so that each application, and each test, has its own. <c>Add{Name}Client</c> sets it
    /// from the application's <see cref="IMeterFactory"/> when left <see langword="null"/>; otherwise one process-wide meter is used.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

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
    /// Gets or sets how long a connection may go without receiving a byte (heartbeat comments included, and the response
    /// headers when connecting) while the client waits for one, before it counts as lost (time the consumer spends on
    /// events already received does not count, so a slow consumer is not taken for a silent server): a resumable
    /// stream reconnects, another fails with
    /// <see cref="SseConnectionLostException"/> whose inner exception is an <see cref="SseIdleTimeoutException"/>.
    /// Default 45 s; <see cref="Timeout.InfiniteTimeSpan"/> turns it off, which a client of a server that sends no
    /// heartbeats may need. The loss is noticed within a quarter of the timeout after it passes.
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

    /// <summary>
    /// Gets or sets whether a resumable stream (a contract method with a <c>[LastEventId]</c> parameter, or a topic)
    /// reconnects after a lost connection and resumes after the last event it received, so the consumer sees one
    /// continuous sequence. Default <see langword="true"/>; when <see langword="false"/>, a lost connection fails the
    /// stream with <see cref="SseConnectionLostException"/>.
    /// </summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>
    /// Gets or sets whether a stream that cannot resume (no <c>[LastEventId]</c>) starts again from the beginning after a
    /// lost connection, instead of failing with <see cref="SseConnectionLostException"/>. The consumer may then see items
    /// it already had. Default <see langword="false"/>.
    /// </summary>
    public bool RestartNonResumableStreams { get; set; }

    /// <summary>
    /// Gets or sets whether the end of the response counts as a lost connection unless the server announced the end
    /// (the <c>sse-end</c> event every generated endpoint writes when its iterator completes). Default
    /// <see langword="true"/>. Set it to <see langword="false"/> to read a server that does not announce its end, such as
    /// ASP.NET Core's <c>TypedResults.ServerSentEvents</c>: its end of response is then a normal end.
    /// </summary>
    public bool RequireEndEvent { get; set; } = true;

    /// <summary>
    /// Gets or sets the reconnection time until the server sends a <c>retry:</c> field (which replaces it): no reconnect
    /// comes sooner (nor sooner than a <c>Retry-After</c>), and a random jitter goes above it, up to twice as long for
    /// the first attempt and doubling per attempt up to <see cref="MaxReconnectDelay"/>. Default 1 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan InitialReconnectDelay
    {
        get => _initialReconnectDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _initialReconnectDelay = value;
        }
    }

    /// <summary>Gets or sets the longest wait between two reconnection attempts (before jitter). Default 30 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxReconnectDelay
    {
        get => _maxReconnectDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxReconnectDelay = value;
        }
    }

    /// <summary>
    /// Gets or sets how many reconnection attempts in a row may fail before the stream fails with
    /// <see cref="SseConnectionLostException"/>; <see langword="null"/> (the default) for no limit. The count starts again
    /// once a reconnected stream delivers an event.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? MaxReconnectAttempts
    {
        get => _maxReconnectAttempts;
        set
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The number of attempts cannot be negative.");
            }

            _maxReconnectAttempts = value;
        }
    }

    /// <summary>Gets or sets the clock of reconnection delays and the idle timeout; tests pass a fake one. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets or sets a callback for each connection that is established (the response is a 200 event stream).</summary>
    public Action<SseConnectedContext>? OnConnected { get; set; }

    /// <summary>Gets or sets a callback for each connection that is lost or refused (not for a normal end or the caller's cancellation).</summary>
    public Action<SseDisconnectedContext>? OnDisconnected { get; set; }

    /// <summary>Gets or sets a callback for each reconnection attempt, before its delay.</summary>
    public Action<SseReconnectingContext>? OnReconnecting { get; set; }

    /// <summary>
    /// Gets or sets a callback for events the server dropped because this client fell behind (a topic whose hub drops
    /// the oldest events rather than disconnect slow subscribers). The stream goes on after it; it is also logged.
    /// </summary>
    public Action<SseGapContext>? OnGap { get; set; }
}

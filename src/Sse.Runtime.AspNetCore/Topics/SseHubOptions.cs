using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Sse.Runtime.AspNetCore;

/// <summary>What a topic subscriber that falls behind gets (<see cref="SseHubOptions.SlowConsumerPolicy"/>).</summary>
public enum SseSlowConsumerPolicy
{
    /// <summary>
    /// The subscriber is disconnected (its response ends without the end event). Its client reconnects and resumes from
    /// the topic's kept events, so nothing is lost as long as it catches up within the replay limits.
    /// </summary>
    Disconnect,

    /// <summary>
    /// The oldest queued events are dropped to make room, and the subscriber gets the reserved <c>sse-gap</c> event
    /// saying how many it missed (the typed client reports it to <see cref="Sse.Runtime.SseClientOptions.OnGap"/>). For
    /// streams where only the latest values matter, such as prices.
    /// </summary>
    DropOldest,
}

/// <summary>Settings of the topic hub; configure with <c>services.AddSseHub(o => ...)</c>.</summary>
public sealed class SseHubOptions
{
    /// <summary>The default <see cref="ReplayCount"/>: 10,000, ten times <see cref="DefaultMaxQueuedEvents"/>.</summary>
    public const int DefaultReplayCount = 10_000;

    /// <summary>The default <see cref="ReplayBytes"/>: 16 MiB, sixteen times <see cref="DefaultMaxQueuedBytes"/>.</summary>
    public const long DefaultReplayBytes = 16L * 1024 * 1024;

    /// <summary>The default <see cref="ReplayTotalBytes"/>: 256 MiB.</summary>
    public const long DefaultReplayTotalBytes = 256L * 1024 * 1024;

    /// <summary>The default <see cref="MaxQueuedEvents"/>: 1,000.</summary>
    public const int DefaultMaxQueuedEvents = 1000;

    /// <summary>The default <see cref="MaxQueuedBytes"/>: 1 MiB.</summary>
    public const long DefaultMaxQueuedBytes = 1024 * 1024;

    private int _replayCount = DefaultReplayCount;
    private long _replayBytes = DefaultReplayBytes;
    private long _replayTotalBytes = DefaultReplayTotalBytes;
    private TimeSpan _runLifetime = TimeSpan.FromMinutes(10);
    private TimeSpan _replayAge = TimeSpan.FromMinutes(5);
    private int _maxQueuedEvents = DefaultMaxQueuedEvents;
    private long _maxQueuedBytes = DefaultMaxQueuedBytes;
    private int _maxEventSize = Sse.Runtime.SseClientOptions.DefaultMaxEventSize;

    /// <summary>
    /// Gets or sets how many recent events each topic keeps for subscribers that resume. Default 10,000. Keep it well
    /// above <see cref="MaxQueuedEvents"/>: a subscriber disconnected for falling behind resumes from what it received,
    /// which is at least a full queue (plus what the network buffers held) behind the topic's newest event.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ReplayCount
    {
        get => _replayCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _replayCount = value;
        }
    }

    /// <summary>
    /// Gets or sets how many bytes of events (their data, plus 64 per event) each topic keeps for subscribers that resume;
    /// the newest event is kept whatever its size. Default 16 MiB; keep it well above <see cref="MaxQueuedBytes"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long ReplayBytes
    {
        get => _replayBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _replayBytes = value;
        }
    }

    /// <summary>
    /// Gets or sets how many bytes of events the in-memory log keeps over all its topics (the oldest events go first,
    /// whichever topic they belong to), so that the number of topics cannot grow memory without bound. Default 256 MiB.
    /// A database-backed log keeps events on disk and does not apply it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long ReplayTotalBytes
    {
        get => _replayTotalBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _replayTotalBytes = value;
        }
    }

    /// <summary>
    /// Gets or sets the largest event the hub publishes, in bytes on the wire (its <c>id:</c>, <c>event:</c> and
    /// <c>data:</c> lines; the id counted at its longest). A larger one is refused at publish time with
    /// <see cref="SseOversizedEventException"/> (a command that publishes it answers 413), because no client with the
    /// same limit would accept it, and kept for replay it would fail every client that resumes over it. Default 1 MiB,
    /// the generated clients' default <see cref="Sse.Runtime.SseClientOptions.MaxEventSize"/>: raise both together.
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

    /// <summary>Gets or sets how long a topic keeps an event for subscribers that resume. Default 5 minutes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ReplayAge
    {
        get => _replayAge;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _replayAge = value;
        }
    }

    /// <summary>
    /// Gets or sets how long a run (<c>[SseRun]</c>) may work: past it the run is cancelled and ends with the error event,
    /// and clients attached to a run whose server stopped without ending it are told so at this deadline. Default 10
    /// minutes. A finished run can be attached to for as long as the log keeps its events (<see cref="ReplayAge"/>, counted
    /// from each event), so a run replays whole only while its first event is younger than that.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan RunLifetime
    {
        get => _runLifetime;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _runLifetime = value;
        }
    }

    /// <summary>Gets or sets how many events may wait to be written to one subscriber before the slow-consumer policy applies. Default 1,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxQueuedEvents
    {
        get => _maxQueuedEvents;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxQueuedEvents = value;
        }
    }

    /// <summary>
    /// Gets or sets how many bytes of events (their data, plus 64 per event) may wait for one subscriber before the
    /// slow-consumer policy applies; one event larger than this still goes to a subscriber with nothing waiting. Default 1 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxQueuedBytes
    {
        get => _maxQueuedBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxQueuedBytes = value;
        }
    }

    /// <summary>Gets or sets what a subscriber that falls behind gets. Default <see cref="SseSlowConsumerPolicy.Disconnect"/>.</summary>
    public SseSlowConsumerPolicy SlowConsumerPolicy { get; set; } = SseSlowConsumerPolicy.Disconnect;

    /// <summary>
    /// Gets or sets who may subscribe to which topic: called for every topic stream request before it subscribes;
    /// <see langword="false"/> answers 403; a <see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/> answers its
    /// status code with its message (404 for a room that does not exist). Default: everyone who reached the endpoint
    /// (its own authorization still applies).
    /// </summary>
    public Func<SseSubscribeContext, ValueTask<bool>>? AuthorizeSubscription { get; set; }

    /// <summary>Gets or sets a callback when a connection subscribes to a topic.</summary>
    public Action<SseSubscriptionInfo>? OnSubscribed { get; set; }

    /// <summary>Gets or sets a callback when a connection's subscription ends (it left, fell behind, or the application stops).</summary>
    public Action<SseSubscriptionInfo>? OnUnsubscribed { get; set; }
}

/// <summary>A topic stream request asking to subscribe (<see cref="SseHubOptions.AuthorizeSubscription"/>).</summary>
public sealed class SseSubscribeContext
{
    internal SseSubscribeContext(HttpContext httpContext, string topic, string stream)
    {
        HttpContext = httpContext;
        Topic = topic;
        Stream = stream;
    }

    /// <summary>Gets the request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the topic's name, <c>rooms/lobby</c>.</summary>
    public string Topic { get; }

    /// <summary>Gets the contract method, <c>Chat.Room</c>.</summary>
    public string Stream { get; }

    /// <inheritdoc />
    public override string ToString() => Stream + " → " + Topic;
}

/// <summary>A subscription that started or ended (<see cref="SseHubOptions.OnSubscribed"/>, <see cref="SseHubOptions.OnUnsubscribed"/>).</summary>
public sealed class SseSubscriptionInfo
{
    internal SseSubscriptionInfo(string topic, string? stream, int subscriberCount, HttpContext? httpContext)
    {
        Topic = topic;
        Stream = stream;
        SubscriberCount = subscriberCount;
        HttpContext = httpContext;
    }

    /// <summary>Gets the topic's name.</summary>
    public string Topic { get; }

    /// <summary>Gets the contract method, <c>Chat.Room</c>, or <see langword="null"/> for an in-process subscription.</summary>
    public string? Stream { get; }

    /// <summary>Gets the topic's subscribers on this server after the change.</summary>
    public int SubscriberCount { get; }

    /// <summary>Gets the request, or <see langword="null"/> for an in-process subscription.</summary>
    public HttpContext? HttpContext { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Stream ?? "in-process"} → {Topic} ({SubscriberCount} subscribers)";
}

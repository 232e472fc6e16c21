using System;

namespace Sse.Runtime;

/// <summary>
/// When to reconnect: exponential backoff with full jitter. Attempt n waits a random time in [0, min(max, base × 2^(n−1))],
/// where the base is the server's <c>retry:</c> when it sent one, otherwise <see cref="SseClientOptions.InitialReconnectDelay"/>;
/// a <c>Retry-After</c> from the server is a lower bound. The attempt count starts again once a reconnected stream
/// delivers an event, and stops the stream at <see cref="SseClientOptions.MaxReconnectAttempts"/>.
/// </summary>
internal sealed class SseReconnectPolicy
{
    private readonly SseClientOptions _options;
    private readonly Random _random;

    public SseReconnectPolicy(SseClientOptions options, Random? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared;
    }

    /// <summary>Gets the number of attempts made in a row since the stream last delivered an event.</summary>
    public int Attempts { get; private set; }

    /// <summary>Gets or sets the server's reconnection time (its last <c>retry:</c>), which replaces the initial delay.</summary>
    public TimeSpan? ServerRetry { get; set; }

    /// <summary>Whether another attempt is allowed.</summary>
    public bool CanAttempt => _options.MaxReconnectAttempts is not { } max || Attempts < max;

    /// <summary>Counts an attempt and returns how long to wait before it.</summary>
    /// <param name="retryAfter">The server's Retry-After, a lower bound, or <see langword="null"/>.</param>
    public TimeSpan NextDelay(TimeSpan? retryAfter)
    {
        Attempts++;
        var baseDelay = ServerRetry ?? _options.InitialReconnectDelay;
        var cap = _options.MaxReconnectDelay;

        // base × 2^(n−1), in ticks with saturation, then capped.
        var ceilingTicks = baseDelay.Ticks;
        for (var i = 1; i < Attempts && ceilingTicks < cap.Ticks; i++)
        {
            ceilingTicks = ceilingTicks > long.MaxValue / 2 ? long.MaxValue : ceilingTicks * 2;
        }

        ceilingTicks = Math.Min(ceilingTicks, cap.Ticks);
        var delay = TimeSpan.FromTicks((long)(_random.NextDouble() * ceilingTicks));
        return retryAfter is { } floor && floor > delay ? floor : delay;
    }

    /// <summary>The stream delivered an event: the next loss starts counting from one again.</summary>
    public void Reset() => Attempts = 0;
}

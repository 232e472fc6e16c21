using System;

namespace Sse.Runtime;

/// <summary>
/// When to reconnect. Spec: the client waits "the event source's reconnection time" and "optionally" longer (backoff),
/// so no reconnect comes sooner than it: the reconnection time R is the server's last <c>retry:</c>, else
/// <see cref="SseClientOptions.InitialReconnectDelay"/>; the floor F is R, or the server's <c>Retry-After</c> when that
/// is longer; attempt n waits F plus a random jitter of up to max(min(<see cref="SseClientOptions.MaxReconnectDelay"/>,
/// R·2ⁿ) − F, R), so the ceiling doubles with each attempt up to the cap and clients that lost the same server spread
/// out (never all at once, even behind a long <c>Retry-After</c>). The attempt count starts again once a reconnected
/// stream delivers an event, and stops the stream at <see cref="SseClientOptions.MaxReconnectAttempts"/>. The
/// TypeScript client computes the same delay (<c>tests/Shared/session-behaviour.json</c> holds both to it).
/// </summary>
internal sealed class SseReconnectPolicy
{
    private readonly SseClientOptions _options;
    private readonly Func<double> _random;

    public SseReconnectPolicy(SseClientOptions options, Func<double>? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
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
        return Delay(ServerRetry ?? _options.InitialReconnectDelay, _options.MaxReconnectDelay, retryAfter, Attempts, _random());
    }

    /// <summary>The delay of attempt <paramref name="attempt"/> (from 1) for a random value in [0, 1).</summary>
    internal static TimeSpan Delay(TimeSpan reconnectionTime, TimeSpan maxDelay, TimeSpan? retryAfter, int attempt, double random)
    {
        var r = Math.Max(0, reconnectionTime.Ticks);
        var floor = retryAfter is { Ticks: > 0 } after ? Math.Max(r, after.Ticks) : r;

        // R·2ⁿ, with saturation, then capped.
        var ceiling = r;
        for (var i = 0; i < attempt && ceiling < maxDelay.Ticks; i++)
        {
            ceiling = ceiling > long.MaxValue / 2 ? long.MaxValue : ceiling * 2;
        }

        ceiling = Math.Min(ceiling, maxDelay.Ticks);
        var jitter = Math.Max(ceiling - floor, r);
        return TimeSpan.FromTicks(floor + (long)(random * jitter));
    }

    /// <summary>The stream delivered an event: the next loss starts counting from one again.</summary>
    public void Reset() => Attempts = 0;
}

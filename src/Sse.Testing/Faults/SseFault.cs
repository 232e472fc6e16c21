using System;
using System.Globalization;
using System.Net;

namespace Sse.Testing;

/// <summary>Where a cut lands once its byte count has gone through.</summary>
public enum SseCutPoint
{
    /// <summary>Right after the planned byte.</summary>
    Anywhere,

    /// <summary>Inside an event: right after the next <c>data:</c> field name.</summary>
    MidFrame,

    /// <summary>Inside a multi-byte UTF-8 character: right after its lead byte.</summary>
    MidUtf8,

    /// <summary>Between the CR and the LF of a line end (a stream that ends its lines with CRLF).</summary>
    BetweenCrAndLf,

    /// <summary>Right after a line's end, before the next line.</summary>
    AtLineEnd,
}

/// <summary>
/// What <see cref="SseFaultProxy"/> does to one connection: cut it after a number of bytes or events, stall it, or
/// answer in the server's place. Made by the static methods; <see langword="null"/> from a plan means "leave it alone".
/// </summary>
public sealed class SseFault
{
    private SseFault(string description)
    {
        Description = description;
    }

    /// <summary>Gets what the fault does, for messages.</summary>
    public string Description { get; }

    internal long AfterBytes { get; private init; } = -1;

    internal int AfterEvents { get; private init; } = -1;

    internal SseCutPoint Point { get; private init; }

    internal TimeSpan Stall { get; private init; }

    internal HttpStatusCode? Status { get; private init; }

    internal TimeSpan? RetryAfter { get; private init; }

    /// <summary>Cuts the connection (a reset, as a network failure) after at least <paramref name="bytes"/> bytes toward the client, at a point of <paramref name="point"/>.</summary>
    /// <param name="bytes">The bytes of the response (head included) to let through first.</param>
    /// <param name="point">Where exactly, once that many went through.</param>
    /// <returns>The fault.</returns>
    public static SseFault CutAfterBytes(long bytes, SseCutPoint point = SseCutPoint.Anywhere)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return new($"cut after {bytes.ToString(CultureInfo.InvariantCulture)} bytes ({point})") { AfterBytes = bytes, Point = point };
    }

    /// <summary>Cuts the connection right after the <paramref name="events"/>th event (a frame with <c>data:</c>) reached the client.</summary>
    /// <param name="events">The events to let through first.</param>
    /// <returns>The fault.</returns>
    public static SseFault CutAfterEvents(int events)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        return new($"cut after {events.ToString(CultureInfo.InvariantCulture)} events") { AfterEvents = events };
    }

    /// <summary>Cuts the connection at a seeded random offset in [<paramref name="minBytes"/>, <paramref name="maxBytes"/>), at a point of <paramref name="point"/>.</summary>
    /// <param name="random">The proxy's seeded generator (<see cref="SseFaultProxy.Random"/>), so a failing run replays exactly.</param>
    /// <param name="minBytes">The least bytes to let through.</param>
    /// <param name="maxBytes">The most bytes to let through (exclusive).</param>
    /// <param name="point">Where exactly.</param>
    /// <returns>The fault.</returns>
    public static SseFault CutAtRandom(Random random, long minBytes, long maxBytes, SseCutPoint point = SseCutPoint.Anywhere)
    {
        ArgumentNullException.ThrowIfNull(random);
        return CutAfterBytes(random.NextInt64(minBytes, maxBytes), point);
    }

    /// <summary>Stops forwarding the server's bytes for <paramref name="duration"/> after <paramref name="bytes"/> went through (a stalled network or peer), then goes on.</summary>
    /// <param name="bytes">The bytes to let through first.</param>
    /// <param name="duration">How long nothing reaches the client.</param>
    /// <returns>The fault.</returns>
    public static SseFault StallAfterBytes(long bytes, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return new($"stall {duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms after {bytes.ToString(CultureInfo.InvariantCulture)} bytes") { AfterBytes = bytes, Stall = duration };
    }

    /// <summary>Answers the request in the server's place (HTTP/1.1), without reaching it: 503 with <c>Retry-After</c>, 204, 401, …</summary>
    /// <param name="status">The status.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send, or <see langword="null"/> for none.</param>
    /// <returns>The fault.</returns>
    public static SseFault Respond(HttpStatusCode status, TimeSpan? retryAfter = null) =>
        new($"answer {(int)status}" + (retryAfter is { } after ? $" with Retry-After {after.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : string.Empty)) { Status = status, RetryAfter = retryAfter };

    /// <inheritdoc />
    public override string ToString() => Description;
}

namespace Sse.Testing;

/// <summary>A request <see cref="SseFaultProxy"/> saw go to the server (one whose target has the proxy's marker), and what it did to it.</summary>
public sealed class SseProxiedRequest
{
    internal SseProxiedRequest(int index, string method, string target, string? lastEventId, System.Random random)
    {
        Random = random;
        Index = index;
        Method = method;
        Target = target;
        LastEventId = lastEventId;
    }

    /// <summary>Gets its number among the marked requests, from 0: the first connection of a stream is 0, its first reconnect 1.</summary>
    public int Index { get; }

    /// <summary>Gets the request's method (<c>GET</c>, <c>POST</c>; <c>PRI</c> for an HTTP/2 connection, whose requests the proxy does not read).</summary>
    public string Method { get; }

    /// <summary>Gets the request's target (path and query).</summary>
    public string Target { get; }

    /// <summary>Gets the <c>Last-Event-ID</c> header it carried, or <see langword="null"/>: what a client resumed from.</summary>
    public string? LastEventId { get; }

    /// <summary>Gets the proxy's seeded generator (<see cref="SseFaultProxy.Random"/>), for a plan's random cut: <c>r =&gt; SseFault.CutAtRandom(r.Random, 100, 5_000)</c>.</summary>
    public System.Random Random { get; }

    /// <summary>Gets the last <c>id:</c> the server sent on this request's connection (HTTP/1.1), or <see langword="null"/>: where its client would resume from.</summary>
    public string? LastIdSent => Tracker?.LastId;

    internal SseResponseTracker? Tracker { get; set; }

    /// <summary>Gets the fault the plan gave it, or <see langword="null"/>.</summary>
    public SseFault? Fault { get; internal set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"#{Index} {Method} {Target} (Last-Event-ID {(LastEventId is null ? "none" : "'" + LastEventId + "'")}){(Fault is null ? string.Empty : ": " + Fault)}";
}

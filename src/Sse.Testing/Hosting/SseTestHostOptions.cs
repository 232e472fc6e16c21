using System;

namespace Sse.Testing;

/// <summary>How <see cref="SseTestHost"/> runs the server under test.</summary>
public sealed class SseTestHostOptions
{
    /// <summary>Gets or sets what the proxy does to each marked request (see <see cref="SseFaultProxy"/>), or <see langword="null"/> for nothing.</summary>
    public Func<SseProxiedRequest, SseFault?>? Faults { get; set; }

    /// <summary>Gets or sets what a request's target must contain to be planned (default: every request).</summary>
    public string? Marker { get; set; }

    /// <summary>Gets or sets the proxy's seed (printed in every failure), or <see langword="null"/> for a new one.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the server's clock (heartbeats, retention), for example a <c>FakeTimeProvider</c> the client's <c>SseClientOptions.TimeProvider</c> shares.</summary>
    public TimeProvider? TimeProvider { get; set; }
}

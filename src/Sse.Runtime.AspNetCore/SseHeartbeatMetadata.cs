using System;
using System.Threading;
using Microsoft.AspNetCore.Builder;

namespace Sse.Runtime.AspNetCore;

/// <summary>Endpoint metadata that overrides <see cref="SseServerOptions.HeartbeatInterval"/> for the endpoints it is on.</summary>
public sealed class SseHeartbeatMetadata
{
    /// <summary>Creates the metadata.</summary>
    /// <param name="interval">The heartbeat interval; <see cref="Timeout.InfiniteTimeSpan"/> turns heartbeats off.</param>
    public SseHeartbeatMetadata(TimeSpan interval)
    {
        Validate(interval);
        Interval = interval;
    }

    /// <summary>Gets the heartbeat interval.</summary>
    public TimeSpan Interval { get; }

    internal static void Validate(TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero && interval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The heartbeat interval must be positive or Timeout.InfiniteTimeSpan.");
        }
    }
}

/// <summary>Conventions for generated server-sent-events endpoints.</summary>
public static class SseEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Sets the heartbeat interval of these endpoints (a contract's group, or one endpoint), overriding
    /// <see cref="SseServerOptions.HeartbeatInterval"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group builder, e.g. what <c>Map{Name}()</c> returns.</param>
    /// <param name="interval">The interval; <see cref="Timeout.InfiniteTimeSpan"/> turns heartbeats off.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithSseHeartbeat<TBuilder>(this TBuilder builder, TimeSpan interval)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new SseHeartbeatMetadata(interval);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

using System;
using System.Collections.Generic;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// What a generated endpoint is, as its contract says, kept in the endpoint's metadata for API descriptions (the
/// OpenAPI document of <c>Sse.Runtime.AspNetCore.OpenApi</c>): the events a stream writes, the parameters it binds,
/// whether it resumes. The generated handler reads the request itself, so this is the only place that knows them.
/// </summary>
public sealed class SseEndpointDescription
{
    /// <summary>Creates the description.</summary>
    /// <param name="events">The events a stream writes (none for a command).</param>
    /// <param name="parameters">The parameters bound from the route, the query string and headers.</param>
    /// <param name="isResumable">Whether the stream resumes after a <c>Last-Event-ID</c>.</param>
    /// <param name="isTopic">Whether the stream is a topic's.</param>
    public SseEndpointDescription(IReadOnlyList<SseEventDescription> events, IReadOnlyList<SseParameterDescription> parameters, bool isResumable = false, bool isTopic = false)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(parameters);
        Events = events;
        Parameters = parameters;
        IsResumable = isResumable;
        IsTopic = isTopic;
    }

    /// <summary>Gets the events a stream writes: one per item type, or one per derived type of a polymorphic item.</summary>
    public IReadOnlyList<SseEventDescription> Events { get; }

    /// <summary>Gets the parameters bound from the route, the query string and headers (the body is in the accepts metadata).</summary>
    public IReadOnlyList<SseParameterDescription> Parameters { get; }

    /// <summary>Gets whether the stream resumes after the <c>Last-Event-ID</c> a reconnecting client sends.</summary>
    public bool IsResumable { get; }

    /// <summary>Gets whether the stream is a topic's (its events carry the hub's ids).</summary>
    public bool IsTopic { get; }
}

/// <summary>An event a stream writes.</summary>
/// <param name="EventType">Its <c>event:</c> name, or <see langword="null"/> for unnamed (<c>message</c>) events.</param>
/// <param name="DataType">The type its <c>data:</c> holds, as JSON (or text, for <see cref="string"/>).</param>
/// <param name="HasId">Whether it carries an <c>id:</c>.</param>
public sealed record SseEventDescription(string? EventType, Type DataType, bool HasId);

/// <summary>A parameter a generated endpoint binds.</summary>
/// <param name="Name">Its name on the wire: the route parameter, query key or header.</param>
/// <param name="Location">Where it travels.</param>
/// <param name="Type">Its type (the element type for an array, sent as a repeated query key).</param>
/// <param name="IsRequired">Whether a request must carry it.</param>
/// <param name="IsArray">Whether it is an array.</param>
public sealed record SseParameterDescription(string Name, SseParameterLocation Location, Type Type, bool IsRequired, bool IsArray = false);

/// <summary>Where a parameter travels.</summary>
public enum SseParameterLocation
{
    /// <summary>A route value.</summary>
    Route,

    /// <summary>The query string.</summary>
    Query,

    /// <summary>A request header.</summary>
    Header,
}

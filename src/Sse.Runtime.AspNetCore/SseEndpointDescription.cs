using System;
using System.Collections.Generic;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// What a generated endpoint is, as its contract says, kept in the endpoint's metadata for API descriptions (the
/// OpenAPI document of <c>Sse.Runtime.AspNetCore.OpenApi</c>): the events a stream writes, the parameters it binds,
/// whether it resumes. The generated handler reads the request itself, so this is the only place that knows them.
/// </summary>
/// <remarks>Generated code makes them (<see cref="Infrastructure.SseDescriptions"/>); applications read them.</remarks>
public sealed class SseEndpointDescription
{
    internal SseEndpointDescription(string name, IReadOnlyList<SseEventDescription> events, IReadOnlyList<SseParameterDescription> parameters, bool isResumable, bool isTopic)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(parameters);
        Name = name;
        Events = events;
        Parameters = parameters;
        IsResumable = isResumable;
        IsTopic = isTopic;
    }

    /// <summary>Gets the contract method's name, <c>StockFeed.Prices</c>, as logs, traces and errors name the endpoint.</summary>
    public string Name { get; }

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
public sealed class SseEventDescription
{
    internal SseEventDescription(string? eventType, Type dataType, bool hasId)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        EventType = eventType;
        DataType = dataType;
        HasId = hasId;
    }

    /// <summary>Gets its <c>event:</c> name, or <see langword="null"/> for unnamed (<c>message</c>) events.</summary>
    public string? EventType { get; }

    /// <summary>Gets the type its <c>data:</c> holds, as JSON (or text, for <see cref="string"/>).</summary>
    public Type DataType { get; }

    /// <summary>Gets whether it carries an <c>id:</c>.</summary>
    public bool HasId { get; }

    /// <inheritdoc />
    public override string ToString() => $"{EventType ?? "message"}: {DataType.Name}{(HasId ? " (with id)" : string.Empty)}";
}

/// <summary>A parameter a generated endpoint binds.</summary>
public sealed class SseParameterDescription
{
    internal SseParameterDescription(string name, SseParameterLocation location, Type type, bool isRequired, bool isArray)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(type);
        Name = name;
        Location = location;
        Type = type;
        IsRequired = isRequired;
        IsArray = isArray;
    }

    /// <summary>Gets its name on the wire: the route parameter, query key or header.</summary>
    public string Name { get; }

    /// <summary>Gets where it travels.</summary>
    public SseParameterLocation Location { get; }

    /// <summary>Gets its type (the element type for an array, sent as a repeated query key).</summary>
    public Type Type { get; }

    /// <summary>Gets whether a request must carry it.</summary>
    public bool IsRequired { get; }

    /// <summary>Gets whether it is an array.</summary>
    public bool IsArray { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Location} {Name}: {Type.Name}{(IsArray ? "[]" : string.Empty)}{(IsRequired ? string.Empty : " (optional)")}";
}

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

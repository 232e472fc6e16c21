using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Makes the descriptions of generated endpoints (<see cref="SseEndpointDescription"/>). Generated code calls it, once
/// per contract method, into a static field: the description names the endpoint in logs and errors, and is kept in its
/// metadata for API descriptions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseDescriptions
{
    /// <summary>Describes an endpoint.</summary>
    /// <param name="name">The contract method's name, <c>StockFeed.Prices</c>.</param>
    /// <param name="events">The events a stream writes (none for a command).</param>
    /// <param name="parameters">The parameters bound from the route, the query string and headers.</param>
    /// <param name="isResumable">Whether the stream resumes after a <c>Last-Event-ID</c>.</param>
    /// <param name="isTopic">Whether the stream is a topic's.</param>
    /// <returns>The description.</returns>
    public static SseEndpointDescription Endpoint(string name, IReadOnlyList<SseEventDescription> events, IReadOnlyList<SseParameterDescription> parameters, bool isResumable, bool isTopic) =>
        new(name, events, parameters, isResumable, isTopic);

    /// <summary>Describes an event a stream writes.</summary>
    /// <param name="eventType">Its <c>event:</c> name, or <see langword="null"/> for unnamed events.</param>
    /// <param name="dataType">The type its data holds.</param>
    /// <param name="hasId">Whether it carries an id.</param>
    /// <returns>The description.</returns>
    public static SseEventDescription Event(string? eventType, Type dataType, bool hasId) => new(eventType, dataType, hasId);

    /// <summary>Describes a parameter an endpoint binds.</summary>
    /// <param name="name">Its name on the wire.</param>
    /// <param name="location">Where it travels.</param>
    /// <param name="type">Its type (the element type for an array).</param>
    /// <param name="isRequired">Whether a request must carry it.</param>
    /// <param name="isArray">Whether it is an array.</param>
    /// <returns>The description.</returns>
    public static SseParameterDescription Parameter(string name, SseParameterLocation location, Type type, bool isRequired, bool isArray) =>
        new(name, location, type, isRequired, isArray);
}

using System;

namespace Sse.Contracts;

/// <summary>
/// Marks an interface as a server-sent-events contract. At build time the Sse.Generators source generator
/// emits <c>Map{Name}</c> endpoint mappings (when the project references Sse.Runtime.AspNetCore) and a
/// typed <c>{Name}Client</c> with <c>Add{Name}Client</c> (when the project references Sse.Runtime).
/// </summary>
/// <remarks>
/// <c>{Name}</c> is the interface name without its leading <c>I</c>: <c>IStockFeed</c> gives <c>MapStockFeed</c>,
/// <c>StockFeedClient</c> and <c>AddStockFeedClient</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class SseStreamAttribute : Attribute
{
    /// <summary>Creates a contract whose routes have no common prefix.</summary>
    public SseStreamAttribute()
        : this(string.Empty)
    {
    }

    /// <summary>Creates a contract whose method routes all start with <paramref name="routePrefix"/>.</summary>
    /// <param name="routePrefix">The route prefix, for example <c>"/stocks"</c>.</param>
    public SseStreamAttribute(string routePrefix)
    {
        RoutePrefix = routePrefix ?? string.Empty;
    }

    /// <summary>Gets the route prefix shared by every method of the contract.</summary>
    public string RoutePrefix { get; }

    /// <summary>
    /// Gets or sets the <c>System.Text.Json.Serialization.JsonSerializerContext</c> that carries the metadata for
    /// every type the contract streams or sends. Each such type needs a <c>[JsonSerializable(typeof(T))]</c> on it.
    /// </summary>
    public Type? JsonContext { get; set; }
}

using System;

namespace Sse.Contracts;

/// <summary>
/// Maps a contract method to an HTTP <c>GET</c> endpoint that streams <c>text/event-stream</c>.
/// </summary>
/// <remarks>
/// Parameters whose names appear in the route template (<c>{symbol}</c>) bind from the route; other parameters
/// of simple types (string, numbers, bool, <see cref="Guid"/>, enums, dates and their nullable forms) bind from
/// the query string; a <see cref="System.Threading.CancellationToken"/> parameter receives a token that is
/// cancelled when the client disconnects or the application stops.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SseGetAttribute : Attribute
{
    /// <summary>Creates a <c>GET</c> endpoint at <paramref name="route"/>, relative to the contract's route prefix.</summary>
    /// <param name="route">The route template, for example <c>"/prices/{symbol}"</c>.</param>
    public SseGetAttribute(string route)
    {
        Route = route ?? string.Empty;
    }

    /// <summary>Gets the route template, relative to the contract's route prefix.</summary>
    public string Route { get; }
}

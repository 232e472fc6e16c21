using System;

namespace Sse.Contracts;

/// <summary>
/// Maps a contract method to an HTTP <c>POST</c> endpoint that streams <c>text/event-stream</c>; its one
/// parameter of a complex type is sent as the JSON request body (as LLM token streams do).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SsePostAttribute : Attribute
{
    /// <summary>Creates a <c>POST</c> endpoint at <paramref name="route"/>, relative to the contract's route prefix.</summary>
    /// <param name="route">The route template, for example <c>"/complete"</c>.</param>
    public SsePostAttribute(string route)
    {
        Route = route ?? string.Empty;
    }

    /// <summary>Gets the route template, relative to the contract's route prefix.</summary>
    public string Route { get; }
}

using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Maps and runs the endpoints of a run method (<c>[SseRun]</c>): <c>POST {route}</c> starts a run under a new id and
/// streams it, <c>GET {route}/runs/{runId}</c> attaches to it (from its start, or after <c>Last-Event-ID</c>), and
/// <c>DELETE {route}/runs/{runId}</c> cancels it for every client. Generated code calls it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseRunEndpoint
{
    /// <summary>Maps a run method's three endpoints: the start (the generated handler), the attach and the cancel.</summary>
    /// <typeparam name="T">The item type the run streams.</typeparam>
    /// <param name="endpoints">The route builder (the contract's route group).</param>
    /// <param name="pattern">The start's route pattern, without route parameters.</param>
    /// <param name="endpointName">The start's unique endpoint name; the attach and cancel are named after it (<c>.Attach</c>, <c>.Cancel</c>).</param>
    /// <param name="start">The generated handler of the start.</param>
    /// <param name="description">What the contract says of the method.</param>
    /// <param name="tag">The OpenAPI tag: the contract's name.</param>
    /// <param name="bodyType">The start's JSON body type, or <see langword="null"/>.</param>
    /// <returns>The start's builder.</returns>
    public static IEndpointConventionBuilder MapRun<T>(IEndpointRouteBuilder endpoints, string pattern, string endpointName, RequestDelegate start, SseEndpointDescription description, string? tag = null, Type? bodyType = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(description);
        var displayName = description.Name;
        var builder = SseEndpoint.Map<T>(endpoints, "POST", pattern, endpointName, start, tag, bodyType, description);
        var runRoute = pattern.TrimEnd('/') + SseRunHandler.RunRouteSuffix;
        var attach = SseEndpoint.Map<T>(endpoints, "GET", runRoute, endpointName + ".Attach", context => SseRunHandler.AttachAsync(context, displayName), tag, bodyType: null, description);
        attach.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        var cancel = SseEndpoint.MapCommand(endpoints, "DELETE", runRoute, endpointName + ".Cancel", context => SseRunHandler.CancelAsync(context, displayName), tag);
        cancel.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        return builder;
    }

    /// <summary>Starts a run: calls the contract method in a scope of its own with the run's token, and streams the run.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the run's own scope.</typeparam>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's description.</param>
    /// <param name="format">How its items become events.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the run's cancellation token.</param>
    /// <returns>A task that completes when the response ends (the run may go on).</returns>
    public static Task StartAsync<TService, T>(HttpContext context, SseEndpointDescription endpoint, SseEventFormat<T> format, Func<TService, CancellationToken, IAsyncEnumerable<T>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(invoke);
        return SseRunHandler.StartAsync(context, endpoint.Name, format, invoke);
    }
}

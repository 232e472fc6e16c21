using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Net.ServerSentEvents;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// The build-time half of the server pipeline and the entry points of generated endpoints. Mapping an endpoint makes
/// its <see cref="SseEndpointContext"/> (logger, meters, heartbeats, clock: resolved once, not per request) and its
/// metadata (the item type for OpenAPI, out of request timeouts and of <c>http.server.request.duration</c>); a request
/// then runs in the handler of its kind (<see cref="SseStreamHandler"/>, <see cref="SseTopicHandler"/>,
/// <see cref="SseCommandHandler"/>) over one <see cref="SseResponseSession"/> and one <see cref="SseFrameWriter"/>, and
/// every failure is answered by <see cref="SseCallFailures"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseEndpoint
{
    /// <summary>
    /// Fails at start-up, when a contract's endpoints are mapped, if no implementation of <typeparamref name="TService"/> is
    /// registered; otherwise every request would answer 500.
    /// </summary>
    /// <typeparam name="TService">The contract interface.</typeparam>
    /// <param name="endpoints">The route builder the contract is mapped into.</param>
    /// <param name="contractName">The contract's name, <c>StockFeed</c>.</param>
    /// <exception cref="SseServiceNotRegisteredException">No implementation is registered.</exception>
    public static void EnsureImplementationRegistered<TService>(IEndpointRouteBuilder endpoints, string contractName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(TService)))
        {
            ThrowServiceNotRegistered(typeof(TService), "Map" + contractName + "()");
        }
    }

    /// <summary>
    /// Maps one generated endpoint: the route, the HTTP method, the endpoint name and metadata saying it produces
    /// <c>text/event-stream</c> of <typeparamref name="T"/>, so OpenAPI and link generation can describe it.
    /// </summary>
    /// <typeparam name="T">The item type the endpoint streams.</typeparam>
    /// <param name="endpoints">The route builder (the contract's route group).</param>
    /// <param name="httpMethod">The HTTP method, <c>GET</c> or <c>POST</c>.</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="endpointName">The endpoint's unique name.</param>
    /// <param name="handler">The generated request handler.</param>
    /// <param name="tag">The OpenAPI tag: the contract's name.</param>
    /// <param name="bodyType">The JSON request body's type, or <see langword="null"/> when the endpoint takes none.</param>
    /// <param name="description">What the contract says of the endpoint (events, parameters), for API descriptions.</param>
    /// <returns>The endpoint's builder.</returns>
    public static IEndpointConventionBuilder Map<T>(IEndpointRouteBuilder endpoints, string httpMethod, string pattern, string endpointName, RequestDelegate handler, string? tag = null, Type? bodyType = null, SseEndpointDescription? description = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = endpoints.MapMethods(pattern, [httpMethod], handler);
        builder.WithName(endpointName);

        // A stream's "request duration" is how long someone stayed subscribed, not latency: kept out of ASP.NET Core's
        // http.server.request.duration so it does not drown the real requests (from .NET 9, whose metadata allows it);
        // sse.server.* measures streams instead.
#if NET9_0_OR_GREATER
        builder.WithMetadata(new DisableHttpMetricsAttribute());
#endif
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), [SseProtocol.EventStreamMediaType]));

        // A stream's duration is its client's: ASP.NET Core's request timeouts do not apply (the session also opts out).
        builder.WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.DisableRequestTimeoutAttribute());
        AddCommonMetadata(builder, endpoints, tag, bodyType, description);
        return builder;
    }

    /// <summary>
    /// Maps one generated command endpoint: it answers 204 (no result) or 200 with JSON of <paramref name="resultType"/>,
    /// and 400/415/500 with problem details.
    /// </summary>
    /// <param name="endpoints">The route builder (the contract's route group).</param>
    /// <param name="httpMethod">The HTTP method.</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="endpointName">The endpoint's unique name.</param>
    /// <param name="handler">The generated request handler.</param>
    /// <param name="tag">The OpenAPI tag: the contract's name.</param>
    /// <param name="bodyType">The JSON request body's type, or <see langword="null"/>.</param>
    /// <param name="resultType">The JSON result's type, or <see langword="null"/> for a command that answers 204.</param>
    /// <param name="description">What the contract says of the endpoint (its parameters), for API descriptions.</param>
    /// <returns>The endpoint's builder.</returns>
    public static IEndpointConventionBuilder MapCommand(IEndpointRouteBuilder endpoints, string httpMethod, string pattern, string endpointName, RequestDelegate handler, string? tag = null, Type? bodyType = null, Type? resultType = null, SseEndpointDescription? description = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = endpoints.MapMethods(pattern, [httpMethod], handler);
        builder.WithName(endpointName);
        builder.WithMetadata(resultType is null
            ? new ProducesResponseTypeMetadata(StatusCodes.Status204NoContent, typeof(void), [])
            : new ProducesResponseTypeMetadata(StatusCodes.Status200OK, resultType, ["application/json"]));
        builder.WithMetadata(Problem(StatusCodes.Status500InternalServerError));
        AddCommonMetadata(builder, endpoints, tag, bodyType, description);
        return builder;
    }

    /// <summary>
    /// What streams and commands share: the endpoint's context (its services, resolved now), 400 problems, the tag, the
    /// JSON body (and its 415), the description.
    /// </summary>
    private static void AddCommonMetadata(IEndpointConventionBuilder builder, IEndpointRouteBuilder endpoints, string? tag, Type? bodyType, SseEndpointDescription? description)
    {
        builder.WithMetadata(new SseEndpointContext(endpoints.ServiceProvider));
        builder.WithMetadata(Problem(StatusCodes.Status400BadRequest));
        if (tag is not null)
        {
            builder.WithTags(tag);
        }

        if (bodyType is not null)
        {
            builder.WithMetadata(new JsonBodyMetadata(bodyType));
            builder.WithMetadata(Problem(StatusCodes.Status415UnsupportedMediaType));
        }

        if (description is not null)
        {
            builder.WithMetadata(description);
        }
    }

    private static ProducesResponseTypeMetadata Problem(int statusCode) =>
        new(statusCode, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]);

    /// <summary>
    /// Fails at start-up, when a contract with topic methods is mapped, if the hub is not registered; otherwise every
    /// topic request would answer 500.
    /// </summary>
    /// <param name="endpoints">The route builder the contract is mapped into.</param>
    /// <param name="contractName">The contract's name, <c>Chat</c>.</param>
    /// <exception cref="InvalidOperationException">The hub is not registered.</exception>
    public static void EnsureHubRegistered(IEndpointRouteBuilder endpoints, string contractName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(SseHub)))
        {
            throw new InvalidOperationException(
                $"Map{contractName}() maps topic streams, which need the SSE hub. Register it before building the app: builder.Services.Add{contractName}Publisher() (or builder.Services.AddSseHub()).");
        }
    }

    /// <summary>Streams the items of a contract method whose items are <typeparamref name="T"/>.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's description.</param>
    /// <param name="format">How its items become events.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the stream's cancellation token.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    public static Task StreamAsync<TService, T>(HttpContext context, SseEndpointDescription endpoint, SseEventFormat<T> format, Func<TService, CancellationToken, IAsyncEnumerable<T>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(invoke);
        return SseStreamHandler.RunAsync(context, endpoint.Name, format, invoke, static (writer, format, item) => writer.WriteEvent(format, item, format.GetEventType(item)));
    }

    /// <summary>Streams the items of a contract method whose items are <see cref="SseItem{T}"/>: each item's event type, id and reconnection interval are written as given.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's description.</param>
    /// <param name="format">How the data becomes JSON (or text).</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the stream's cancellation token.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    public static Task StreamItemsAsync<TService, T>(HttpContext context, SseEndpointDescription endpoint, SseEventFormat<T> format, Func<TService, CancellationToken, IAsyncEnumerable<SseItem<T>>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(invoke);
        return SseStreamHandler.RunAsync(context, endpoint.Name, format, invoke, static (writer, format, item) =>
            writer.WriteEvent(format, item.Data, NullIfDefault(item.EventType) ?? format.GetEventType(item.Data), item.EventId ?? IdOf(format, item.Data), item.ReconnectionInterval));
    }

    private static string? NullIfDefault(string eventType) =>
        string.Equals(eventType, SseProtocol.MessageEventType, StringComparison.Ordinal) ? null : eventType;

    /// <summary>
    /// The id an item's <c>[SseEventId]</c> gives it. An empty one is refused: it would write <c>id:</c>, which resets the
    /// client's last event id, so a reconnect would resume from the start. (An <c>SseItem&lt;T&gt;</c> can still set
    /// <c>EventId = ""</c> to reset it on purpose.)
    /// </summary>
    private static string? IdOf<T>(SseEventFormat<T> format, T item)
    {
        var id = format.GetEventId(item);
        if (id is { Length: 0 })
        {
            ThrowHelper.ThrowInvalidField("id", id, "an [SseEventId] value must not be empty (an empty id resets the client's last event id); use null for no id");
        }

        return id;
    }

    internal static TService ResolveService<TService>(IServiceProvider services, string displayName)
        where TService : notnull
    {
        var service = services.GetService(typeof(TService));
        if (service is null)
        {
            ThrowServiceNotRegistered(typeof(TService), "The endpoint '" + displayName + "'");
        }

        return (TService)service;
    }

    [DoesNotReturn]
    private static void ThrowServiceNotRegistered(Type serviceType, string needer) =>
        throw new SseServiceNotRegisteredException(
            $"{needer} needs an implementation of {serviceType.FullName}, but none is registered. " +
            $"Register one before building the app, e.g. builder.Services.AddScoped<{serviceType.Name}, MyImplementation>().");

    /// <summary>
    /// Answers a request whose Last-Event-ID the endpoint cannot resume from (it is not an id of the parameter's type):
    /// a 200 event stream holding only the <c>sse-reset</c> event, never a 500, since a browser resends whatever id it saw last.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's description.</param>
    /// <param name="lastEventId">The id received.</param>
    /// <param name="reason">Why it cannot be resumed from.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task RejectResumeAsync(HttpContext context, SseEndpointDescription endpoint, string lastEventId, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        return RejectResumeAsync(context, endpoint.Name, lastEventId, reason);
    }

    internal static async Task RejectResumeAsync(HttpContext context, string displayName, string lastEventId, string reason)
    {
        var endpoint = SseEndpointContext.For(context);
        var session = new SseResponseSession(context, endpoint, displayName, encoder: null);
        await using var sessionScope = session.ConfigureAwait(false);
        await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Stream, displayName, session, new SseResumeRejectedException(lastEventId, reason)).ConfigureAwait(false);
    }
}

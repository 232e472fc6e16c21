using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Runs a generated endpoint: resolves the contract's implementation, calls the method with a token that ends
/// when the client disconnects or the application stops, and writes each item as an event into the response pipe.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class SseEndpoint
{
    /// <summary>Above this many unflushed bytes a burst is flushed even when more items are ready, so memory stays bounded.</summary>
    internal const int MaxUnflushedBytes = 64 * 1024;

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
        AddCommonMetadata(builder, tag, bodyType, description);
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
        AddCommonMetadata(builder, tag, bodyType, description);
        return builder;
    }

    /// <summary>What streams and commands share: 400 problems, the tag, the JSON body (and its 415), the description.</summary>
    private static void AddCommonMetadata(IEndpointConventionBuilder builder, string? tag, Type? bodyType, SseEndpointDescription? description)
    {
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
    /// <param name="endpoint">The endpoint's descriptor.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the stream's cancellation token.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    public static Task StreamAsync<TService, T>(HttpContext context, SseEndpointDescriptor<T> endpoint, Func<TService, CancellationToken, IAsyncEnumerable<T>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(invoke);
        return StreamCoreAsync(context, endpoint, invoke, static (writer, format, item) => writer.WriteEvent(format, item, format.GetEventType(item)));
    }

    /// <summary>Streams the items of a contract method whose items are <see cref="SseItem{T}"/>: each item's event type, id and reconnection interval are written as given.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <typeparam name="T">The item's data type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's descriptor; its format serializes the data.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the stream's cancellation token.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    public static Task StreamItemsAsync<TService, T>(HttpContext context, SseEndpointDescriptor<T> endpoint, Func<TService, CancellationToken, IAsyncEnumerable<SseItem<T>>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(invoke);
        return StreamCoreAsync(context, endpoint, invoke, static (writer, format, item) =>
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

    // CA2012: each MoveNextAsync ValueTask is awaited exactly once; IsCompleted is only peeked at before that.
#pragma warning disable CA2012
    private static async Task StreamCoreAsync<TService, TItem, T>(
        HttpContext context,
        SseEndpointDescriptor<T> endpoint,
        Func<TService, CancellationToken, IAsyncEnumerable<TItem>> invoke,
        Action<SseFrameWriter, SseEventFormat<T>, TItem> write)
        where TService : notnull
    {
        var services = context.RequestServices;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(SseEndpoint).FullName!) ?? NullLogger.Instance;
        var service = ResolveService<TService>(services, endpoint.DisplayName);
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var heartbeat = HeartbeatInterval(context);
        using var waiter = heartbeat == Timeout.InfiniteTimeSpan
            ? null
            : new SseStreamWaiter(SseHeartbeats.For(services), heartbeat, services.GetService<TimeProvider>() ?? TimeProvider.System);

        // One token for the implementation: the client went away, or the application is stopping.
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = streamCts.Token;

        IAsyncEnumerator<TItem>? enumerator = null;
        SseFrameWriter? writer = null;
        var started = false;
        var count = 0L;
        var bytes = 0L;
        using var activity = SseServerMetrics.ActivitySource.StartActivity("sse.stream", System.Diagnostics.ActivityKind.Internal);
        activity?.SetTag("sse.stream", endpoint.DisplayName);
        SseServerMetrics.StreamStarted(endpoint.DisplayName);
        try
        {
            enumerator = invoke(service, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var pipe = context.Response.BodyWriter;
            writer = new SseFrameWriter(pipe, endpoint.Format.Encoder);

            var next = enumerator.MoveNextAsync();
            if (!next.IsCompleted)
            {
                // The first item is not ready: send the headers now so the client knows the stream is open.
                await StartAsync(context).ConfigureAwait(false);
                started = true;
            }

            if (!next.IsCompleted && waiter is not null)
            {
                await waiter.WaitAsync(next, writer, pipe, streamCts).ConfigureAwait(false);
            }

            var hasNext = await next.ConfigureAwait(false);
            if (!started)
            {
                // The first item (or the end) came at once; an error before this point was still answered with a 500.
                await StartAsync(context).ConfigureAwait(false);
                started = true;
            }

            while (hasNext)
            {
                write(writer, endpoint.Format, enumerator.Current);
                count++;

                // Flush when the producer has nothing more ready, so a burst shares one flush and a quiet stream
                // never holds an event back; flush anyway once the unflushed burst grows large.
                next = enumerator.MoveNextAsync();
                if (!next.IsCompleted || writer.BufferedBytes > MaxUnflushedBytes)
                {
                    // The burst goes into the response in one piece, then out.
                    bytes += writer.BufferedBytes;
                    writer.Commit();
                    waiter?.Wrote();
                    var flush = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        // The client is gone. The pending MoveNextAsync still has to finish before disposal.
                        await streamCts.CancelAsync().ConfigureAwait(false);
                        await ObserveAsync(next).ConfigureAwait(false);
                        return;
                    }
                }

                if (!next.IsCompleted && waiter is not null)
                {
                    await waiter.WaitAsync(next, writer, pipe, streamCts).ConfigureAwait(false);
                }

                hasNext = await next.ConfigureAwait(false);
            }

            // The iterator completed: the stream ended on purpose, so the client ends too instead of reconnecting.
            bytes += writer.BufferedBytes;
            writer.WriteEnd();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client disconnected or the application is stopping: a normal end of the stream.
            Log.StreamCancelled(logger, endpoint.DisplayName, count);
            return;
        }
        catch (SseResumeRejectedException ex) when (writer is not null)
        {
            // The implementation cannot resume from the client's Last-Event-ID: say so in-band, so the client re-syncs.
            Log.ResumeRejected(logger, endpoint.DisplayName, ex.LastEventId, ex.Reason);
            if (!started && !context.Response.HasStarted)
            {
                await StartAsync(context).ConfigureAwait(false);
            }

            writer.WriteReset(ex.LastEventId, ex.Reason);
            await FlushQuietlyAsync(context.Response.BodyWriter).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is SseTopicLogUnavailableException or SseSubscriptionLostException)
        {
            // The implementation's topic subscription cannot go on on this server now: the client is to come back and
            // resume (503 before the first event; after it, the end of the response without the end event).
            Log.StreamInterrupted(logger, endpoint.DisplayName, count, ex.Message);
            if (!started && !context.Response.HasStarted)
            {
                await WriteUnavailableAsync(context, endpoint.DisplayName, ex as SseTopicLogUnavailableException
                    ?? new SseTopicLogUnavailableException(ex.Message, ex, TimeSpan.FromSeconds(1))).ConfigureAwait(false);
            }
            else
            {
                await FlushQuietlyAsync(context.Response.BodyWriter).ConfigureAwait(false);
            }

            return;
        }
        catch (BadHttpRequestException ex) when (!started && !context.Response.HasStarted)
        {
            // The implementation refused the request before its first event (an unknown room, a bad argument).
            await SseProblemWriter.WriteAsync(context, ex.StatusCode, "The request was refused", ex.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            Log.StreamFailed(logger, endpoint.DisplayName, count, ex);
            if (!started && !context.Response.HasStarted)
            {
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status500InternalServerError, "The event stream failed", $"The stream '{endpoint.DisplayName}' failed before its first event.").ConfigureAwait(false);
            }
            else if (writer is not null)
            {
                // Tell the client in-band, after every event it was already sent, then end the response. (Aborting
                // the connection instead could discard events Kestrel had accepted but not yet put on the wire.) A
                // frame whose serialization failed was taken back out of the buffer: only whole frames are sent.
                writer.WriteError("The event stream failed", $"The stream '{endpoint.DisplayName}' failed after {count} events.");
                await FlushQuietlyAsync(context.Response.BodyWriter).ConfigureAwait(false);
            }

            return;
        }
        finally
        {
            if (enumerator is not null)
            {
                await DisposeQuietlyAsync(enumerator, logger, endpoint.DisplayName).ConfigureAwait(false);
            }

            writer?.Dispose();
            SseServerMetrics.StreamEnded(endpoint.DisplayName, count, bytes);
        }

        await context.Response.BodyWriter.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
#pragma warning restore CA2012

    internal static TimeSpan HeartbeatInterval(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<SseHeartbeatMetadata>()?.Interval
        ?? context.RequestServices.GetService<IOptions<SseServerOptions>>()?.Value.HeartbeatInterval
        ?? SseServerOptions.DefaultHeartbeatInterval;

    internal static async Task StartAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task FlushQuietlyAsync(PipeWriter pipe)
    {
        try
        {
            await pipe.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException)
        {
            // The client left meanwhile; there is no one to tell.
        }
    }

    private static async Task ObserveAsync(ValueTask<bool> next)
    {
        try
        {
            await next.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The stream is already over; what the producer does after the client left is not an error to report.
        }
    }

    private static async Task DisposeQuietlyAsync<TItem>(IAsyncEnumerator<TItem> enumerator, ILogger logger, string displayName)
    {
        try
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DisposeFailed(logger, displayName, ex);
        }
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
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's descriptor.</param>
    /// <param name="lastEventId">The id received.</param>
    /// <param name="reason">Why it cannot be resumed from.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task RejectResumeAsync<T>(HttpContext context, SseEndpointDescriptor<T> endpoint, string lastEventId, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        return RejectResumeAsync(context, endpoint.DisplayName, lastEventId, reason);
    }

    internal static async Task RejectResumeAsync(HttpContext context, string displayName, string lastEventId, string reason)
    {
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(SseEndpoint).FullName!) ?? NullLogger.Instance;
        Log.ResumeRejected(logger, displayName, lastEventId, reason);
        await StartAsync(context).ConfigureAwait(false);
        using var writer = new SseFrameWriter(context.Response.BodyWriter, encoder: null);
        writer.WriteReset(lastEventId, reason);
        await FlushQuietlyAsync(context.Response.BodyWriter).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a request that needs the topic log while it cannot be reached: 503 with <c>Retry-After</c> and a problem
    /// body, so clients and load balancers retry instead of seeing a failure; logged as a warning, at most every 10 s
    /// per hub (an outage, not every request of it).
    /// </summary>
    internal static Task WriteUnavailableAsync(HttpContext context, string displayName, SseTopicLogUnavailableException exception)
    {
        SseServerMetrics.Unavailable();
        var hub = context.RequestServices.GetService<SseHub>();
        var suppressed = 0;
        if (hub is null || hub.Outage.ShouldLog(out suppressed))
        {
            var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(SseEndpoint).FullName!) ?? NullLogger.Instance;
            Log.LogUnavailable(logger, displayName, exception.Message, suppressed);
        }

        var seconds = (long)Math.Ceiling(exception.RetryAfter.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return SseProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"'{displayName}' cannot be served now: the topic log is unavailable. Retry after {seconds} s.");
    }

    private static partial class Log
    {
        [LoggerMessage(6, LogLevel.Information, "Stream '{Endpoint}' ended after {Count} events without the end event, so its client resumes: {Message}", EventName = "StreamInterrupted")]
        public static partial void StreamInterrupted(ILogger logger, string endpoint, long count, string message);

        [LoggerMessage(5, LogLevel.Warning, "'{Endpoint}' answered 503: the topic log is unavailable ({Message}). {Suppressed} more such answers since the last warning.", EventName = "LogUnavailable")]
        public static partial void LogUnavailable(ILogger logger, string endpoint, string message, int suppressed);

        [LoggerMessage(1, LogLevel.Debug, "Stream '{Endpoint}' ended by the client or application shutdown after {Count} events.", EventName = "StreamCancelled")]
        public static partial void StreamCancelled(ILogger logger, string endpoint, long count);

        [LoggerMessage(2, LogLevel.Error, "Stream '{Endpoint}' failed after {Count} events.", EventName = "StreamFailed")]
        public static partial void StreamFailed(ILogger logger, string endpoint, long count, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Disposing the enumerator of stream '{Endpoint}' failed.", EventName = "DisposeFailed")]
        public static partial void DisposeFailed(ILogger logger, string endpoint, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "Stream '{Endpoint}' cannot resume after Last-Event-ID '{LastEventId}': {Reason} The client was told to re-synchronise.", EventName = "ResumeRejected")]
        public static partial void ResumeRejected(ILogger logger, string endpoint, string? lastEventId, string reason);
    }
}

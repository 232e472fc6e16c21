using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Sse.Runtime.AspNetCore.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Runs a command (a contract method returning <c>Task</c> or <c>Task&lt;T&gt;</c>): calls the implementation with the
/// request's token and answers 204, or 200 with the result as JSON written with the contract's metadata. Every failure
/// goes to <see cref="SseCallFailures"/>, the same mapping as the streams' (a client that left is not a failure).
/// </summary>
internal static class SseCommandHandler
{
    public static async Task RunAsync<TService>(HttpContext context, string displayName, Func<TService, CancellationToken, Task> invoke)
        where TService : notnull
    {
        try
        {
            await invoke(SseEndpoint.ResolveService<TService>(context.RequestServices, displayName), context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await SseCallFailures.HandleAsync(context, SseEndpointContext.For(context), SseCallKind.Command, displayName, session: null, ex).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client left.
        }
    }

    public static async Task RunAsync<TService, TResult>(HttpContext context, string displayName, JsonTypeInfo<TResult> typeInfo, Func<TService, CancellationToken, Task<TResult>> invoke)
        where TService : notnull
    {
        TResult result;
        try
        {
            result = await invoke(SseEndpoint.ResolveService<TService>(context.RequestServices, displayName), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await SseCallFailures.HandleAsync(context, SseEndpointContext.For(context), SseCallKind.Command, displayName, session: null, ex).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            return; // The client left.
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, result, typeInfo, context.RequestAborted).ConfigureAwait(false);
    }
}

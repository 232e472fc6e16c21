using System;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Runs a generated command endpoint (a contract method returning <c>Task</c> or <c>Task&lt;T&gt;</c>): calls the
/// implementation with the bound arguments and answers 204, or 200 with the result as JSON written with the contract's
/// metadata. A <see cref="BadHttpRequestException"/> thrown by the implementation (ASP.NET Core's own way to refuse a
/// request) is answered with its status code and its message as the problem's detail; any other failure is logged with
/// the command's name and answered with a 500 problem-details body that names the command but not the exception.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class SseCommandEndpoint
{
    /// <summary>Runs a command with no result.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="displayName">The command's name, <c>Chat.Send</c>.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the request's cancellation token.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static async Task InvokeAsync<TService>(HttpContext context, string displayName, Func<TService, CancellationToken, Task> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoke);
        try
        {
            await invoke(SseEndpoint.ResolveService<TService>(context.RequestServices, displayName), context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await FailAsync(context, displayName, ex).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a command with a result.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="displayName">The command's name, <c>Chat.History</c>.</param>
    /// <param name="typeInfo">The result's JSON metadata.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the request's cancellation token.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static async Task InvokeAsync<TService, TResult>(HttpContext context, string displayName, JsonTypeInfo<TResult> typeInfo, Func<TService, CancellationToken, Task<TResult>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(invoke);
        TResult result;
        try
        {
            result = await invoke(SseEndpoint.ResolveService<TService>(context.RequestServices, displayName), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await FailAsync(context, displayName, ex).ConfigureAwait(false);
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

    private static async Task FailAsync(HttpContext context, string displayName, Exception exception)
    {
        if (context.Response.HasStarted)
        {
            // Nothing can be said any more but in the log.
            Log.CommandFailed(context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(SseCommandEndpoint).FullName!) ?? NullLogger.Instance, displayName, exception);
            return;
        }

        switch (exception)
        {
            case BadHttpRequestException refused:
                await SseProblemWriter.WriteAsync(context, refused.StatusCode, "The request was refused", refused.Message).ConfigureAwait(false);
                return;
            case SseOversizedEventException oversized:
                // What it would publish is more than any client accepts: the request's fault, said as such.
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large", oversized.Message).ConfigureAwait(false);
                return;
            case SseTopicLogUnavailableException unavailable:
                await SseEndpoint.WriteUnavailableAsync(context, displayName, unavailable).ConfigureAwait(false);
                return;
        }

        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(SseCommandEndpoint).FullName!) ?? NullLogger.Instance;
        Log.CommandFailed(logger, displayName, exception);
        await SseProblemWriter.WriteAsync(context, StatusCodes.Status500InternalServerError, "The command failed", $"The command '{displayName}' failed.").ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Command '{Command}' failed.", EventName = "CommandFailed")]
        public static partial void CommandFailed(ILogger logger, string command, Exception exception);
    }
}

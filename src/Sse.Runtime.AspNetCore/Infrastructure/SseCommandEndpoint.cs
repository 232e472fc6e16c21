using System;
using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Runs a generated command endpoint (a contract method returning <c>Task</c> or <c>Task&lt;T&gt;</c>): calls the
/// implementation with the bound arguments and answers 204, or 200 with the result as JSON written with the contract's
/// metadata. A <see cref="BadHttpRequestException"/> thrown by the implementation (ASP.NET Core's own way to refuse a
/// request) is answered with its status code and its message as the problem's detail, an unreachable topic log with 503
/// and <c>Retry-After</c>, an event too large to publish with 413; any other failure is logged with the command's name
/// and answered with a 500 problem-details body that names the command but not the exception.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseCommandEndpoint
{
    /// <summary>Runs a command with no result.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The command's description (its name, <c>Chat.Send</c>).</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the request's cancellation token.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task InvokeAsync<TService>(HttpContext context, SseEndpointDescription endpoint, Func<TService, CancellationToken, Task> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(invoke);
        return SseCommandHandler.RunAsync(context, endpoint.Name, invoke);
    }

    /// <summary>Runs a command with a result.</summary>
    /// <typeparam name="TService">The contract interface, resolved from the request's services.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The command's description (its name, <c>Chat.History</c>).</param>
    /// <param name="typeInfo">The result's JSON metadata.</param>
    /// <param name="invoke">Calls the contract method with its bound arguments and the request's cancellation token.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task InvokeAsync<TService, TResult>(HttpContext context, SseEndpointDescription endpoint, JsonTypeInfo<TResult> typeInfo, Func<TService, CancellationToken, Task<TResult>> invoke)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(invoke);
        return SseCommandHandler.RunAsync(context, endpoint.Name, typeInfo, invoke);
    }
}

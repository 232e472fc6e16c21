using System;
using System.ComponentModel;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Runs a generated topic endpoint: subscribes the connection to its topic on the <see cref="SseHub"/> (resuming after
/// the request's Last-Event-ID) and writes each event's shared frame into the response, with heartbeats from the shared
/// timer while it is quiet. The subscription ends with the connection, when it falls behind (slow-consumer policy), or
/// when the application stops; none of these writes the end event, so the client reconnects and resumes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseTopicEndpoint
{
    /// <summary>Streams a topic to the request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's description.</param>
    /// <param name="topic">The topic's name, built from the request by the generated code.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    /// <remarks>The topic's events are frames already, made once by the publisher for every subscriber.</remarks>
    public static Task SubscribeAsync(HttpContext context, SseEndpointDescription endpoint, string topic)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return SseTopicHandler.RunAsync(context, endpoint.Name, topic);
    }

    /// <summary>
    /// Gets the value a topic template's <c>{user}</c> stands for: the authenticated user's claim, never anything the
    /// request says. <see langword="null"/> when the request is anonymous or the user has no such claim.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="claimType">The claim type.</param>
    /// <returns>The claim's value.</returns>
    public static string? GetUserClaim(HttpContext context, string claimType)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        return user.Identity?.IsAuthenticated == true ? user.FindFirst(claimType)?.Value : null;
    }

    /// <summary>Answers a topic request that has no user for <c>{user}</c>: 401 when anonymous, 403 when the claim is missing.</summary>
    /// <param name="context">The request.</param>
    /// <param name="claimType">The claim type.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public static Task WriteNoUserAsync(HttpContext context, string claimType)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.Identity?.IsAuthenticated == true
            ? SseProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"This stream is per user, and the user has no '{claimType}' claim.")
            : SseProblemWriter.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "This stream is per user: authenticate first.");
    }
}

using System;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The one place where a failure of a generated endpoint becomes an answer, for streams, topics and commands alike
/// (grpc-dotnet's <c>HandleCallExceptionAsync</c>). Before the response started it is a problem-details response:
/// <see cref="BadHttpRequestException"/> its own status and message, an unreachable topic log or a lost subscription
/// 503 with <c>Retry-After</c>, an event too large 413, anything else 500 naming the method, not the exception. After a
/// stream started it is in-band: <c>sse-reset</c> for an id that cannot be resumed, the end of the response without
/// <c>sse-end</c> (so the client resumes) when the subscription cannot go on here, <c>sse-error</c> for the rest.
/// </summary>
internal static partial class SseCallFailures
{
    /// <summary>Answers a failure; the caller has already stopped the producer.</summary>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's context (logger, meters).</param>
    /// <param name="kind">What kind of call failed.</param>
    /// <param name="displayName">The method, <c>Chat.Room</c>.</param>
    /// <param name="session">The stream's response, or <see langword="null"/> for a command.</param>
    /// <param name="exception">The failure.</param>
    public static async Task HandleAsync(HttpContext context, SseEndpointContext endpoint, SseCallKind kind, string displayName, SseResponseSession? session, Exception exception)
    {
        var logger = endpoint.Logger(kind);
        var started = session?.Started == true || context.Response.HasStarted;
        switch (exception)
        {
            case SseResumeRejectedException rejected when session is not null:
                // The id cannot be resumed from: said in-band (200 + sse-reset, never a 500), so the client re-syncs.
                Log.ResumeRejected(logger, displayName, rejected.LastEventId, rejected.Reason);
                await session.StartAsync().ConfigureAwait(false);
                session.Writer.WriteReset(rejected.LastEventId, rejected.Reason);
                await session.FlushQuietlyAsync().ConfigureAwait(false);
                return;

            case SseTopicLogUnavailableException or SseSubscriptionLostException when session is not null && started:
                // The subscription cannot go on here now: the response ends without sse-end, so the client resumes.
                Log.StreamInterrupted(logger, displayName, session.Events, exception.Message);
                await session.FlushQuietlyAsync().ConfigureAwait(false);
                return;

            case SseTopicLogUnavailableException or SseSubscriptionLostException when !started:
                await WriteUnavailableAsync(context, endpoint, displayName, exception as SseTopicLogUnavailableException
                    ?? new SseTopicLogUnavailableException(exception.Message, exception, TimeSpan.FromSeconds(1))).ConfigureAwait(false);
                return;

            case BadHttpRequestException refused when !started:
                // ASP.NET Core's own way to refuse a request (an unknown room, a bad argument): its status, its words.
                Log.Refused(logger, displayName, refused.StatusCode, refused.Message);
                await SseProblemWriter.WriteAsync(context, refused.StatusCode, "The request was refused", refused.Message).ConfigureAwait(false);
                return;

            case SseOversizedEventException oversized when !started:
                // What it would publish is more than any client accepts: the request's fault, said as such.
                Log.Refused(logger, displayName, StatusCodes.Status413PayloadTooLarge, oversized.Message);
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Payload Too Large", oversized.Message).ConfigureAwait(false);
                return;
        }

        if (kind == SseCallKind.Command)
        {
            Log.CommandFailed(logger, displayName, exception);
            if (!started)
            {
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status500InternalServerError, "The command failed", $"The command '{displayName}' failed.").ConfigureAwait(false);
            }

            return;
        }

        Log.StreamFailed(logger, displayName, session?.Events ?? 0, exception);
        if (!started)
        {
            await SseProblemWriter.WriteAsync(context, StatusCodes.Status500InternalServerError, "The event stream failed", $"The stream '{displayName}' failed before its first event.").ConfigureAwait(false);
        }
        else if (session is not null)
        {
            // Told in-band, after every event already sent, then the response ends. (Aborting the connection instead
            // could discard events Kestrel had accepted but not yet put on the wire.) A frame whose serialization failed
            // was taken back out of the buffer: only whole frames are sent.
            session.Writer.WriteError("The event stream failed", $"The stream '{displayName}' failed after {session.Events} events.");
            await session.FlushQuietlyAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Answers a request that needs the topic log while it cannot be reached: 503 with <c>Retry-After</c> and a problem
    /// body, so clients and load balancers retry instead of seeing a failure; logged as a warning, at most every 10 s
    /// per hub (an outage, not every request of it).
    /// </summary>
    public static Task WriteUnavailableAsync(HttpContext context, SseEndpointContext endpoint, string displayName, SseTopicLogUnavailableException exception)
    {
        endpoint.Metrics.Unavailable();
        var throttle = context.RequestServices.GetService(typeof(SseHub)) is SseHub hub ? hub.Outage : null;
        var suppressed = 0;
        if (throttle is null || throttle.ShouldLog(out suppressed))
        {
            Log.LogUnavailable(endpoint.Logger(SseCallKind.Stream), displayName, exception.Message, suppressed);
        }

        var seconds = (long)Math.Ceiling(exception.RetryAfter.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return SseProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"'{displayName}' cannot be served now: the topic log is unavailable. Retry after {seconds} s.");
    }

    /// <summary>Event ids 100 and up: these are logged in the category of the kind of call that failed, beside its own.</summary>
    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Error, "Stream '{Endpoint}' failed after {Count} events.", EventName = "StreamFailed")]
        public static partial void StreamFailed(ILogger logger, string endpoint, long count, Exception exception);

        [LoggerMessage(101, LogLevel.Information, "Stream '{Endpoint}' cannot resume after Last-Event-ID '{LastEventId}': {Reason} The client was told to re-synchronise.", EventName = "ResumeRejected")]
        public static partial void ResumeRejected(ILogger logger, string endpoint, string? lastEventId, string reason);

        [LoggerMessage(102, LogLevel.Warning, "'{Endpoint}' answered 503: the topic log is unavailable ({Message}). {Suppressed} more such answers since the last warning.", EventName = "LogUnavailable")]
        public static partial void LogUnavailable(ILogger logger, string endpoint, string message, int suppressed);

        [LoggerMessage(103, LogLevel.Information, "Stream '{Endpoint}' ended after {Count} events without the end event, so its client resumes: {Message}", EventName = "StreamInterrupted")]
        public static partial void StreamInterrupted(ILogger logger, string endpoint, long count, string message);

        [LoggerMessage(104, LogLevel.Information, "'{Endpoint}' refused the request with {Status}: {Message}", EventName = "Refused")]
        public static partial void Refused(ILogger logger, string endpoint, int status, string message);

        [LoggerMessage(105, LogLevel.Error, "Command '{Command}' failed.", EventName = "CommandFailed")]
        public static partial void CommandFailed(ILogger logger, string command, Exception exception);
    }
}

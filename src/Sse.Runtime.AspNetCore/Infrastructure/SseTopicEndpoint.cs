using System;
using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Claims;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Runs a generated topic endpoint: subscribes the connection to its topic on the <see cref="SseHub"/> (resuming after
/// the request's Last-Event-ID) and writes each event's shared frame into the response, with heartbeats from the shared
/// timer while it is quiet. The subscription ends with the connection, when it falls behind (slow-consumer policy), or
/// when the application stops; none of these writes the end event, so the client reconnects and resumes.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class SseTopicEndpoint
{
    /// <summary>Streams a topic to the request.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="endpoint">The endpoint's descriptor.</param>
    /// <param name="topic">The topic's name, built from the request by the generated code.</param>
    /// <returns>A task that completes when the stream ends.</returns>
    public static Task SubscribeAsync<T>(HttpContext context, SseEndpointDescriptor<T> endpoint, string topic)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return SubscribeCoreAsync(context, endpoint.DisplayName, topic);
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

    private static async Task SubscribeCoreAsync(HttpContext context, string displayName, string topic)
    {
        var services = context.RequestServices;
        var hub = services.GetService<SseHub>() ?? throw new InvalidOperationException(
            $"The topic stream '{displayName}' needs the SSE hub, which is not registered. Add it with builder.Services.AddSseHub() (the generated Add...Publisher() does).");
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(SseTopicEndpoint).FullName!) ?? NullLogger.Instance;
        var options = hub.Options;

        bool allowed;
        try
        {
            allowed = options.AuthorizeSubscription is not { } authorize || await authorize(new SseSubscribeContext(context, topic, displayName)).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // The hook refused with its own status (404 for a room that does not exist) and says why.
            Log.SubscriptionRefused(logger, displayName, topic);
            await SseProblemWriter.WriteAsync(context, ex.StatusCode, "The request was refused", ex.Message).ConfigureAwait(false);
            return;
        }

        if (!allowed)
        {
            Log.SubscriptionRefused(logger, displayName, topic);
            await SseProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "This subscription is not allowed.").ConfigureAwait(false);
            return;
        }

        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = streamCts.Token;
        var lastEventId = SseParameterBinder.GetLastEventId(context);

        SseSubscriber subscriber;
        try
        {
            subscriber = await hub.SubscribeAsync(topic, displayName, lastEventId, context, cancellationToken).ConfigureAwait(false);
        }
        catch (SseResumeRejectedException ex)
        {
            await SseEndpoint.RejectResumeAsync(context, displayName, lastEventId ?? string.Empty, ex.Reason).ConfigureAwait(false);
            return;
        }
        catch (SseTopicLogUnavailableException ex)
        {
            await SseEndpoint.WriteUnavailableAsync(context, displayName, ex).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        // A subscriber that falls behind is disconnected: its writer may be stuck in a flush to a client that stopped
        // reading, so the flush is canceled and the response ends without the end event. It ends gracefully, not with a
        // reset: what was already written still reaches the client, whose last id is then the last event written, so
        // its resume needs the least of the replay. (Kestrel drops a client that never reads again by its minimum data rate.)
        var body = context.Response.BodyWriter;
        subscriber.OnFellBehind = body.CancelPendingFlush;
        using var activity = SseServerMetrics.ActivitySource.StartActivity("sse.stream", ActivityKind.Internal);
        activity?.SetTag("sse.stream", displayName);
        activity?.SetTag("sse.topic", topic);
        SseServerMetrics.StreamStarted(displayName);
        var heartbeats = SseHeartbeats.For(services);
        var interval = SseEndpoint.HeartbeatInterval(context);
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var registration = interval == Timeout.InfiniteTimeSpan
            ? null
            : heartbeats.Register(interval, () =>
            {
                subscriber.HeartbeatDue = true;
                subscriber.Signal.Set();
            });
        var events = 0L;
        var bytes = 0L;
        var why = "the client left";
        var lastPosition = 0L;
        try
        {
            using var cancelled = cancellationToken.UnsafeRegister(static state => ((SseSubscriber)state!).Close(), subscriber);
            await SseEndpoint.StartAsync(context).ConfigureAwait(false);
            var pipe = context.Response.BodyWriter;
            var epoch = hub.Log.Epoch;
            while (true)
            {
                if (subscriber.ReplayPending)
                {
                    await subscriber.ReadReplayAsync(hub.Log, cancellationToken).ConfigureAwait(false);
                }

                // Read before taking: an end seen here comes after everything queued so far (the delivery invariant, SseTopicChannel).
                var end = subscriber.End;
                var wrote = false;
                while (subscriber.TryDequeue(out var topicEvent, out var missed))
                {
                    if (missed > 0)
                    {
                        // Right where the drop-oldest policy dropped them: before the first event after them.
                        WriteGap(pipe, missed);
                    }

                    var frame = topicEvent.GetFrame(epoch);
                    pipe.Write(frame);
                    events++;
                    bytes += frame.Length;
                    wrote = true;
                    lastPosition = topicEvent.Position;
                    if (pipe.CanGetUnflushedBytes && pipe.UnflushedBytes > SseEndpoint.MaxUnflushedBytes && !await FlushAsync(pipe, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (subscriber.ReplayPending)
                {
                    continue;
                }

                if (end == SseSubscriberEnd.Reset)
                {
                    // Everything owed before the loss was written: now the signal, and the stream ends.
                    why = "events it was owed are no longer kept (sse-reset)";
                    using var writer = new SseFrameWriter(pipe, encoder: null);
                    writer.WriteReset(lastPosition > 0 ? SseTopicFrames.Id(epoch, lastPosition) : lastEventId, subscriber.ResetReason!);
                    await FlushAsync(pipe, cancellationToken).ConfigureAwait(false);
                    return;
                }

                if (subscriber.HeartbeatDue)
                {
                    subscriber.HeartbeatDue = false;
                    if (!wrote)
                    {
                        pipe.Write(": heartbeat\n\n"u8);
                        SseServerMetrics.Heartbeat();
                        wrote = true;
                    }
                }

                if (wrote)
                {
                    registration?.Wrote(timeProvider.GetTimestamp());
                    if (!await FlushAsync(pipe, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (end != SseSubscriberEnd.None)
                {
                    return;
                }

                await subscriber.Signal.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the application is stopping: a normal end of the subscription.
        }
        catch (SseTopicLogUnavailableException ex)
        {
            // The replay could not be read: the response ends without the end event, so the client resumes once it is back.
            why = "the topic log is unavailable";
            Log.LogUnavailable(logger, displayName, topic, ex.Message);
        }
        finally
        {
            registration?.Dispose();
            hub.Unsubscribe(subscriber);
            SseServerMetrics.StreamEnded(displayName, events, bytes);
            if (subscriber.FellBehind)
            {
                why = "it fell behind";
                Log.FellBehind(logger, displayName, topic, subscriber.LastPosition);
            }
            else if (subscriber.End == SseSubscriberEnd.Stopped || stopping.IsCancellationRequested)
            {
                why = "the application is stopping";
            }

            Log.SubscriptionEnded(logger, displayName, topic, events, why);
        }
    }

    private static async ValueTask<bool> FlushAsync(PipeWriter pipe, CancellationToken cancellationToken)
    {
        var flush = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
        return !(flush.IsCompleted || flush.IsCanceled);
    }

    /// <summary>The reserved <c>sse-gap</c> event: events were dropped for this subscriber (drop-oldest policy).</summary>
    private static void WriteGap(PipeWriter pipe, long missed)
    {
        pipe.Write("event: sse-gap\ndata: {\"missed\":"u8);
        var span = pipe.GetSpan(24);
        System.Buffers.Text.Utf8Formatter.TryFormat(missed, span, out var written);
        pipe.Advance(written);
        pipe.Write("}\n\n"u8);
    }

    private static partial class Log
    {
        [LoggerMessage(4, LogLevel.Warning, "Topic stream '{Stream}' on '{Topic}' ended because the topic log is unavailable ({Message}); its client resumes once it is back.", EventName = "LogUnavailable")]
        public static partial void LogUnavailable(ILogger logger, string stream, string topic, string message);

        [LoggerMessage(1, LogLevel.Debug, "Topic stream '{Stream}' on '{Topic}' ended after {Count} events: {Why}.", EventName = "SubscriptionEnded")]
        public static partial void SubscriptionEnded(ILogger logger, string stream, string topic, long count, string why);

        [LoggerMessage(2, LogLevel.Warning, "Topic stream '{Stream}' on '{Topic}' fell behind after event {Position} and was disconnected; its client resumes from the kept events.", EventName = "FellBehind")]
        public static partial void FellBehind(ILogger logger, string stream, string topic, long position);

        [LoggerMessage(3, LogLevel.Information, "Topic stream '{Stream}' on '{Topic}' was refused by SseHubOptions.AuthorizeSubscription.", EventName = "SubscriptionRefused")]
        public static partial void SubscriptionRefused(ILogger logger, string stream, string topic);
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sse.Runtime.AspNetCore.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Runs a topic stream: asks <see cref="SseHubOptions.AuthorizeSubscription"/>, subscribes the connection to its topic
/// (resuming after the request's Last-Event-ID), and writes what the subscription is owed (its replay, then each live
/// event's shared frame, the gaps where events were dropped) through the session's writer, with heartbeats from the
/// shared timer while it is quiet. The subscription ends with the connection, when it falls behind, when events it is
/// owed are gone (<c>sse-reset</c>), or when the application stops; none but the reset is in-band, so the client
/// reconnects and resumes.
/// </summary>
internal static partial class SseTopicHandler
{
    /// <summary>Streams a topic, or (with <paramref name="run"/>) a run's log: from its start or the request's Last-Event-ID, to its terminal event.</summary>
    public static async Task RunAsync(HttpContext context, string displayName, string topic, SseRunAttachment? run = null)
    {
        var endpoint = SseEndpointContext.For(context);
        var logger = endpoint.Logger(SseCallKind.Topic);
        var hub = endpoint.Hub(displayName);
        var options = hub.Options;
        var session = new SseResponseSession(context, endpoint, displayName, encoder: null);
        await using var sessionScope = session.ConfigureAwait(false);

        SseSubscriber subscriber;
        var lastEventId = run is null ? SseParameterBinder.GetLastEventId(context) : run.ResumeAfter;
        try
        {
            if (!await session.AdmitCredentialAsync().ConfigureAwait(false))
            {
                return;
            }

            if (run is null && options.AuthorizeSubscription is { } authorize && !await authorize(new SseSubscribeContext(context, topic, displayName)).ConfigureAwait(false))
            {
                Log.SubscriptionRefused(logger, displayName, topic);
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "This subscription is not allowed.").ConfigureAwait(false);
                return;
            }

            subscriber = await hub.SubscribeAsync(topic, displayName, lastEventId, context, session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Token.IsCancellationRequested)
        {
            return;
        }
        catch (SseResumeRejectedException ex)
        {
            // A 200 stream holding only the reset: a browser resends whatever id it saw last, so never a 400 or 500.
            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Topic, displayName, session, new SseResumeRejectedException(lastEventId ?? string.Empty, ex.Reason)).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            // Refused by the hook (a BadHttpRequestException: 404 for a room that does not exist), or the log is away (503).
            if (ex is BadHttpRequestException)
            {
                Log.SubscriptionRefused(logger, displayName, topic);
            }

            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Topic, displayName, session, ex).ConfigureAwait(false);
            return;
        }

        // A subscriber that falls behind is disconnected: its writer may be stuck in a flush to a client that stopped
        // reading, so the flush is canceled and the response ends without the end event. It ends gracefully, not with a
        // reset: what was already written still reaches the client, whose last id is then the last event written, so
        // its resume needs the least of the replay. (Kestrel drops a client that never reads again by its minimum data rate.)
        session.Open(topic);
        var pipe = session.Pipe;
        subscriber.OnFellBehind = session.AbandonFlushes;
        session.RegisterHeartbeats(() =>
        {
            subscriber.HeartbeatDue = true;
            subscriber.Signal.Set();
        });
        var lastPosition = 0L;
        // A run whose server stopped without ending it: its attached clients are told at its deadline, not left waiting.
        using var deadline = run?.Deadline is { } due ? new CancellationTokenSource(RunGrace(due, endpoint.TimeProvider), endpoint.TimeProvider) : null;
        using var deadlineSignal = deadline?.Token.UnsafeRegister(static state => ((SseSignal)state!).Set(), subscriber.Signal);
        try
        {
            using var cancelled = session.Token.UnsafeRegister(static state => ((SseSubscriber)state!).Close(), subscriber);
            if (run is not null)
            {
                context.Response.Headers[SseProtocol.RunIdHeader] = run.RunId;
            }

            await session.StartAsync().ConfigureAwait(false);
            var writer = session.Writer;
            if (run is not null || string.IsNullOrEmpty(lastEventId))
            {
                // A live subscriber's resume point, before any event: dropped before its first one, its client
                // resumes from here (and gets what was published meanwhile) instead of subscribing afresh. A run's
                // stream starts at its resume point too (its marker's id from the start), so every re-attach says where.
                writer.WriteIdOnly(run is not null ? lastEventId! : SseTopicIds.Id(subscriber.Epoch, subscriber.StartPosition));
                if (!await session.FlushAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
            while (true)
            {
                if (subscriber.ReplayPending)
                {
                    await subscriber.ReadReplayAsync(hub.TopicLog, session.Token).ConfigureAwait(false);
                }

                // Read before taking: an end seen here comes after everything queued so far (the delivery invariant, SseTopicChannel).
                var end = subscriber.End;
                var wrote = false;
                while (subscriber.TryDequeue(out var topicEvent, out var missed))
                {
                    if (missed > 0)
                    {
                        // Right where the drop-oldest policy dropped them: before the first event after them.
                        writer.WriteGap(missed);
                    }

                    if (run is not null && topicEvent.Event.EventType is { } eventType && eventType.StartsWith("sse-", StringComparison.Ordinal))
                    {
                        lastPosition = topicEvent.Position;
                        if (eventType == SseProtocol.RunEventType)
                        {
                            continue;
                        }

                        if (SseRunEvents.IsTerminal(eventType))
                        {
                            // The run's end (or failure): written as it is kept, then the stream ends.
                            writer.WriteFrame(topicEvent.Frame);
                            session.Events++;
                            await session.FlushQuietlyAsync().ConfigureAwait(false);
                            return;
                        }
                    }

                    var frame = topicEvent.Frame;
                    writer.WriteFrame(frame);
                    session.Events++;
                    session.Bytes += frame.Length;
                    lastPosition = topicEvent.Position;
                    wrote = true;
                    if (pipe.CanGetUnflushedBytes && pipe.UnflushedBytes > SseResponseSession.MaxUnflushedBytes && !await session.FlushAsync().ConfigureAwait(false))
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
                    writer.WriteReset(lastPosition > 0 ? SseTopicIds.Id(subscriber.Epoch, lastPosition) : lastEventId, subscriber.ResetReason!);
                    await session.FlushQuietlyAsync().ConfigureAwait(false);
                    return;
                }

                if (deadline?.IsCancellationRequested == true)
                {
                    writer.WriteError("The run did not end", $"The run '{run!.RunId}' of '{displayName}' is past its deadline without an end: the server running it stopped.");
                    await session.FlushQuietlyAsync().ConfigureAwait(false);
                    return;
                }

                if (subscriber.HeartbeatDue)
                {
                    subscriber.HeartbeatDue = false;
                    if (!wrote)
                    {
                        session.WriteHeartbeat();
                        wrote = true;
                    }
                }

                if (wrote && !await session.FlushAsync().ConfigureAwait(false))
                {
                    return;
                }

                if (end != SseSubscriberEnd.None)
                {
                    return;
                }

                await subscriber.Signal.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (session.Token.IsCancellationRequested)
        {
            // The client left or the application is stopping: a normal end of the subscription.
        }
        catch (Exception ex)
        {
            // The replay could not be read (the log is away): the response ends without the end event, so the client resumes.
            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Topic, displayName, session, ex).ConfigureAwait(false);
        }
        finally
        {
            // The credential no longer holds (its token closed the subscriber): the client is told to re-authenticate
            // and resume from the last event written.
            await session.EndForCredentialAsync().ConfigureAwait(false);
            hub.Unsubscribe(subscriber);
            if (subscriber.FellBehind)
            {
                Log.FellBehind(logger, displayName, topic, subscriber.LastPosition);
            }

            Log.SubscriptionEnded(logger, displayName, topic, session.Events, subscriber.End switch
            {
                SseSubscriberEnd.FellBehind => "it fell behind",
                SseSubscriberEnd.Reset => "events it was owed are no longer kept (sse-reset)",
                SseSubscriberEnd.Stopped => "the application is stopping",
                _ => session.Stopping ? "the application is stopping" : "the client left",
            });
        }
    }

    /// <summary>How long until a run's deadline, plus a grace for its own server to write the end it makes then.</summary>
    private static TimeSpan RunGrace(DateTimeOffset deadline, TimeProvider time)
    {
        var left = deadline - time.GetUtcNow() + TimeSpan.FromSeconds(5);
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Topic stream '{Stream}' on '{Topic}' ended after {Count} events: {Why}.", EventName = "SubscriptionEnded")]
        public static partial void SubscriptionEnded(ILogger logger, string stream, string topic, long count, string why);

        [LoggerMessage(2, LogLevel.Warning, "Topic stream '{Stream}' on '{Topic}' fell behind after event {Position} and was disconnected; its client resumes from the kept events.", EventName = "FellBehind")]
        public static partial void FellBehind(ILogger logger, string stream, string topic, long position);

        [LoggerMessage(3, LogLevel.Information, "Topic stream '{Stream}' on '{Topic}' was refused by SseHubOptions.AuthorizeSubscription.", EventName = "SubscriptionRefused")]
        public static partial void SubscriptionRefused(ILogger logger, string stream, string topic);
    }
}

/// <summary>A topic stream that is a run's: its id (sent in <c>Sse-Run-Id</c>), the id to resume after (its marker's, from the start), its deadline if known.</summary>
internal sealed record SseRunAttachment(string RunId, string ResumeAfter, DateTimeOffset? Deadline);

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime.AspNetCore.Infrastructure;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The three requests of a run (<c>[SseRun]</c>). <c>POST</c> starts it: the implementation is called in a scope of its
/// own with the run's token, its first item is asked for (a refusal before that, such as a
/// <see cref="BadHttpRequestException"/>, is answered as a problem and starts nothing), the run's log is opened with its
/// marker under its id (the one the client proposed in <c>Sse-Run-Id</c>, else a new one), the work goes on in the
/// background, and the response attaches to the run from its start. A start sent again with an id whose run exists
/// attaches to that run instead of starting it twice.
/// <c>GET …/runs/{id}</c> attaches (from the start, or after Last-Event-ID); <c>DELETE …/runs/{id}</c> ends it for
/// everyone by appending its end event, and stops the work wherever it runs.
/// </summary>
internal static class SseRunHandler
{
    /// <summary>The route of a run's attach and cancel, after the method's own: <c>/complete</c> → <c>/complete/runs/{runId}</c>.</summary>
    public const string RunRouteSuffix = "/runs/{runId}";

    // CA2012: the first MoveNextAsync is awaited once: here when it completed at once, else by the run's work.
#pragma warning disable CA2012
    public static async Task StartAsync<TService, T>(HttpContext context, string displayName, SseEventFormat<T> format, Func<TService, CancellationToken, IAsyncEnumerable<T>> invoke)
        where TService : notnull
    {
        var endpoint = SseEndpointContext.For(context);
        var hub = endpoint.Hub(displayName);
        var host = context.RequestServices.GetRequiredService<SseRunHost>();

        // The client proposes the run's id (the same on every retry of its start), so a start whose answer was lost
        // and is sent again attaches to the run the first one started instead of starting it twice.
        var proposed = context.Request.Headers[SseProtocol.RunIdHeader].ToString();
        var runId = SseRunEvents.IsValidId(proposed) ? proposed : SseRunEvents.NewId();
        var topic = SseRunEvents.Topic(displayName, runId);
        if (runId == proposed)
        {
            KeptRun? kept;
            try
            {
                kept = await FindAsync(hub.TopicLog, topic, readEnd: false, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Stream, displayName, session: null, ex).ConfigureAwait(false);
                return;
            }

            if (kept is { } existing)
            {
                await AttachToAsync(context, displayName, runId, existing, lastEventId: null).ConfigureAwait(false);
                return;
            }

            if (host.IsRunning(runId))
            {
                // Its first start is still starting here (no marker yet): the retry is answered once that one has it.
                await RetrySoonAsync(context, displayName, runId).ConfigureAwait(false);
                return;
            }
        }

        var work = new SseRunWork<T>(host, hub, format, displayName, runId, host.Logger);

        // The run's own scope: the request's is gone when its client leaves, and the work is not.
        var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        IAsyncEnumerator<T>? items = null;
        ValueTask<bool> first = default;
        var handedOver = false;
        try
        {
            var service = SseEndpoint.ResolveService<TService>(scope.ServiceProvider, displayName);
            items = invoke(service, work.Token).GetAsyncEnumerator(work.Token);
            first = items.MoveNextAsync();
            if (first.IsCompleted)
            {
                // A refusal before the first item (a bad argument) is the request's answer; nothing was started.
                var completed = first;
                first = default;
                first = new ValueTask<bool>(await completed.ConfigureAwait(false));
            }

            if (!host.TryAdd(work))
            {
                if (host.IsRunning(runId))
                {
                    // The same start, sent twice at once to this server: the other one goes on.
                    await RetrySoonAsync(context, displayName, runId).ConfigureAwait(false);
                    return;
                }

                throw new SseTopicLogUnavailableException($"'{displayName}' cannot start a run now: the application is stopping.", null, TimeSpan.FromSeconds(1));
            }

            var started = host.TimeProvider.GetUtcNow();
            SseTopicPosition marker;
            KeptRun? winner = null;
            try
            {
                marker = await work.OpenAsync(started, started + hub.Options.RunLifetime, context.RequestAborted).ConfigureAwait(false);
                if (runId == proposed)
                {
                    // The same start sent to two servers at once: both wrote a marker, and the first one in the log
                    // is the run. (Readers skip markers, so the other is never seen.)
                    var opening = await FindAsync(hub.TopicLog, topic, readEnd: false, context.RequestAborted).ConfigureAwait(false);
                    if (opening is { Marker: { } firstMarker } && firstMarker.Position != marker.Position)
                    {
                        winner = opening;
                    }
                }
            }
            catch
            {
                host.Remove(work);
                throw;
            }

            if (winner is { } other)
            {
                host.Remove(work);
                work.Stop(SseRunStop.Stopped);
                await AttachToAsync(context, displayName, runId, other, lastEventId: null).ConfigureAwait(false);
                return;
            }

            work.Start(items, first, scope);
            handedOver = true;
            await SseTopicHandler.RunAsync(context, displayName, work.Topic, new SseRunAttachment(runId, marker.EventId, started + hub.Options.RunLifetime)).ConfigureAwait(false);
        }
        catch (Exception ex) when (!handedOver && !context.Response.HasStarted)
        {
            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Stream, displayName, session: null, ex).ConfigureAwait(false);
        }
        finally
        {
            if (!handedOver)
            {
                if (items is not null)
                {
                    // Not started (the log refused its marker, the application is stopping, another start of the same
                    // id won): the work that began stops, and its pending first step finishes before the enumerator goes.
                    work.Stop(SseRunStop.Stopped);
                    await DisposeQuietlyAsync(items, first).ConfigureAwait(false);
                }

                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A start of a run that is still starting on this server: 503 with Retry-After, and nothing started.</summary>
    private static Task RetrySoonAsync(HttpContext context, string displayName, string runId)
    {
        context.Response.Headers.RetryAfter = "1";
        return SseProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"The run '{runId}' of '{displayName}' is starting: its start was sent twice; try again in a second.");
    }

    /// <summary>
    /// The response is the run: from its start (an attach without Last-Event-ID, or a start sent again for a run that
    /// started), or after <paramref name="lastEventId"/>.
    /// </summary>
    private static Task AttachToAsync(HttpContext context, string displayName, string runId, KeptRun run, string? lastEventId)
    {
        if (!string.IsNullOrEmpty(lastEventId))
        {
            return SseTopicHandler.RunAsync(context, displayName, run.Topic, new SseRunAttachment(runId, lastEventId, run.Deadline));
        }

        if (run.Marker is not { } marker)
        {
            return SseEndpoint.RejectResumeAsync(context, displayName, string.Empty, $"The first events of the run '{runId}' are no longer kept, so it cannot be given from its start.");
        }

        return SseTopicHandler.RunAsync(context, displayName, run.Topic, new SseRunAttachment(runId, marker.EventId, run.Deadline));
    }

#pragma warning restore CA2012

    public static async Task AttachAsync(HttpContext context, string displayName)
    {
        var endpoint = SseEndpointContext.For(context);
        var runId = context.Request.RouteValues["runId"] as string;
        var opened = await OpenAsync(context, endpoint, displayName, runId, readEnd: false).ConfigureAwait(false);
        if (opened is not { } run)
        {
            return;
        }

        await AttachToAsync(context, displayName, runId!, run, SseParameterBinder.GetLastEventId(context)).ConfigureAwait(false);
    }

    public static async Task CancelAsync(HttpContext context, string displayName)
    {
        var endpoint = SseEndpointContext.For(context);
        var runId = context.Request.RouteValues["runId"] as string;
        var opened = await OpenAsync(context, endpoint, displayName, runId, readEnd: true).ConfigureAwait(false);
        if (opened is not { } run)
        {
            return;
        }

        var host = context.RequestServices.GetRequiredService<SseRunHost>();
        var log = endpoint.Hub(displayName).TopicLog;
        try
        {
            if (run.Ended != true)
            {
                // The end for everyone attached, at once, wherever the work runs (or if its server is gone); the work
                // itself stops here, or on its server when the log tells it.
                await log.AppendAsync(run.Topic, SseRunEvents.End("cancelled"), context.RequestAborted).ConfigureAwait(false);
                if (!host.TryCancel(runId!))
                {
                    await log.AppendAsync(SseRunEvents.CancelTopic(run.Topic), SseRunEvents.CancelRequest(), context.RequestAborted).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Command, displayName + ".Cancel", session: null, ex).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>What the log keeps of a run: its topic, its marker (when still kept), its deadline, whether it ended (null when not asked: that is a read more).</summary>
    private readonly record struct KeptRun(string Topic, SseTopicPosition? Marker, DateTimeOffset? Deadline, bool? Ended);

    /// <summary>Finds a run in the log; answers 404 (no such run, or forgotten) or 503 (the log is away) and returns null otherwise.</summary>
    private static async ValueTask<KeptRun?> OpenAsync(HttpContext context, SseEndpointContext endpoint, string displayName, string? runId, bool readEnd)
    {
        if (!SseRunEvents.IsValidId(runId))
        {
            await SseProblemWriter.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", $"'{runId}' is not a run id of '{displayName}'.").ConfigureAwait(false);
            return null;
        }

        try
        {
            var kept = await FindAsync(endpoint.Hub(displayName).TopicLog, SseRunEvents.Topic(displayName, runId!), readEnd, context.RequestAborted).ConfigureAwait(false);
            if (kept is null)
            {
                await SseProblemWriter.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", $"There is no run '{runId}' of '{displayName}': it never started, or it ended longer ago than the topic log keeps events.").ConfigureAwait(false);
            }

            return kept;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Stream, displayName, session: null, ex).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the log keeps of the run whose topic this is, or <see langword="null"/> when it keeps nothing: one read of
    /// its first event, and with <paramref name="readEnd"/> one of its last (whether it ended; only a cancel needs it).
    /// </summary>
    private static async ValueTask<KeptRun?> FindAsync(ISseTopicLog log, string topic, bool readEnd, CancellationToken cancellationToken)
    {
        var first = await log.ReadAsync(topic, 0, 1, cancellationToken).ConfigureAwait(false);
        if (first.Events.Count == 0)
        {
            return null;
        }

        var opening = first.Events[0];
        SseTopicPosition? marker = null;
        DateTimeOffset? deadline = null;
        if (SseRunEvents.TryReadDeadline(opening, out var due))
        {
            marker = new SseTopicPosition(first.Epoch, opening.Position);
            deadline = due;
        }

        bool? ended;
        if (!readEnd)
        {
            ended = null;
        }
        else if (first.Head > opening.Position)
        {
            var last = await log.ReadAsync(topic, first.Head - 1, 1, cancellationToken).ConfigureAwait(false);
            ended = last.Events is [var newest, ..] && SseRunEvents.IsTerminal(newest.EventType);
        }
        else
        {
            ended = SseRunEvents.IsTerminal(opening.EventType);
        }

        return new KeptRun(topic, marker, deadline, ended);
    }

    private static async Task DisposeQuietlyAsync<T>(IAsyncEnumerator<T> items, ValueTask<bool> first)
    {
        try
        {
            if (!first.IsCompleted)
            {
                await first.ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Cancelled with the run that never started.
        }

        try
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // It never started; its failure was answered.
        }
    }
}

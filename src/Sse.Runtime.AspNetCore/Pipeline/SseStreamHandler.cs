using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sse.Runtime.AspNetCore.Infrastructure;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Runs an iterator stream: resolves the contract's implementation, calls the method with the session's token, and
/// writes each item as an event, flushing when the producer has nothing more ready (a burst shares one flush, a quiet
/// stream never holds an event back) and heartbeats while it waits. The iterator's end is <c>sse-end</c>; every
/// failure goes to <see cref="SseCallFailures"/>.
/// </summary>
internal static partial class SseStreamHandler
{
    // CA2012: each MoveNextAsync ValueTask is awaited exactly once; IsCompleted is only peeked at before that.
#pragma warning disable CA2012
    public static async Task RunAsync<TService, TItem, T>(
        HttpContext context,
        string displayName,
        SseEventFormat<T> format,
        Func<TService, CancellationToken, IAsyncEnumerable<TItem>> invoke,
        Action<SseFrameWriter, SseEventFormat<T>, TItem> write)
        where TService : notnull
    {
        var endpoint = SseEndpointContext.For(context);
        var service = SseEndpoint.ResolveService<TService>(context.RequestServices, displayName);
        var session = new SseResponseSession(context, endpoint, displayName, format.Encoder);
        await using var sessionScope = session.ConfigureAwait(false);
        if (!await session.AdmitCredentialAsync().ConfigureAwait(false))
        {
            return;
        }

        session.Open();
        var waiter = SseStreamWaiter.For(session);
        IAsyncEnumerator<TItem>? enumerator = null;
        try
        {
            enumerator = invoke(service, session.Token).GetAsyncEnumerator(session.Token);
            var next = enumerator.MoveNextAsync();
            if (!next.IsCompleted)
            {
                // The first item is not ready: send the headers now so the client knows the stream is open.
                await session.StartAsync().ConfigureAwait(false);
                if (waiter is not null)
                {
                    await waiter.WaitAsync(next).ConfigureAwait(false);
                }
            }

            var hasNext = await next.ConfigureAwait(false);

            // The first item (or the end) came at once; a failure before this point is still answered with a problem.
            await session.StartAsync().ConfigureAwait(false);
            var writer = session.Writer;
            while (hasNext)
            {
                write(writer, format, enumerator.Current);
                session.Events++;
                next = enumerator.MoveNextAsync();
                if (!next.IsCompleted || writer.BufferedBytes > SseResponseSession.MaxUnflushedBytes)
                {
                    // The burst goes into the response in one piece, then out.
                    session.Bytes += writer.BufferedBytes;
                    if (!await session.FlushAsync().ConfigureAwait(false))
                    {
                        // The client is gone. The pending MoveNextAsync still has to finish before disposal.
                        await session.CancelAsync().ConfigureAwait(false);
                        await ObserveAsync(next).ConfigureAwait(false);
                        return;
                    }
                }

                if (!next.IsCompleted && waiter is not null)
                {
                    await waiter.WaitAsync(next).ConfigureAwait(false);
                }

                hasNext = await next.ConfigureAwait(false);
            }

            // The iterator completed: the stream ended on purpose, so the client ends too instead of reconnecting.
            session.Bytes += writer.BufferedBytes;
            writer.WriteEnd();
            await session.FlushQuietlyAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Token.IsCancellationRequested)
        {
            // The client disconnected or the application is stopping: a normal end of the stream. Or the credential
            // expired: the client is told to re-authenticate and resume.
            if (!await session.EndForCredentialAsync().ConfigureAwait(false))
            {
                Log.StreamCancelled(endpoint.Logger(SseCallKind.Stream), displayName, session.Events);
            }
        }
        catch (Exception ex)
        {
            await SseCallFailures.HandleAsync(context, endpoint, SseCallKind.Stream, displayName, session, ex).ConfigureAwait(false);
        }
        finally
        {
            if (enumerator is not null)
            {
                await DisposeQuietlyAsync(enumerator, endpoint, displayName).ConfigureAwait(false);
            }
        }
    }
#pragma warning restore CA2012

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

    private static async Task DisposeQuietlyAsync<TItem>(IAsyncEnumerator<TItem> enumerator, SseEndpointContext endpoint, string displayName)
    {
        try
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DisposeFailed(endpoint.Logger(SseCallKind.Stream), displayName, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Stream '{Endpoint}' ended by the client or application shutdown after {Count} events.", EventName = "StreamCancelled")]
        public static partial void StreamCancelled(ILogger logger, string endpoint, long count);

        [LoggerMessage(3, LogLevel.Warning, "Disposing the enumerator of stream '{Endpoint}' failed.", EventName = "DisposeFailed")]
        public static partial void DisposeFailed(ILogger logger, string endpoint, Exception exception);
    }
}

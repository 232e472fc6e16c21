using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>Why a run stopped before its items did.</summary>
internal enum SseRunStop
{
    /// <summary>It has not.</summary>
    None,

    /// <summary>Someone cancelled it (<c>DELETE</c>): the cancel's end event is already in the log.</summary>
    Cancelled,

    /// <summary>Its lifetime (<see cref="SseHubOptions.RunLifetime"/>) ran out.</summary>
    Expired,

    /// <summary>The server is stopping.</summary>
    Stopped,
}

/// <summary>
/// One run at work on this server: it enumerates the implementation's items under its own token (not the request's, so
/// the work outlives the client), appends each to the run's topic in order, and appends the terminal event at the end
/// (<c>sse-end</c>, or <c>sse-error</c> for a failure, an expired lifetime or a stopping server). Only the run appends to
/// its topic, besides a cancel's end event, so an append whose outcome is unknown (the log was unreachable) is checked
/// against the log before it is tried again: nothing twice. A cancel made on another server reaches it through the
/// log: it watches the run's cancel topic, which only a cancel writes to (no read per item).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Its token source is disposed when its work ends (RunAsync), which is what owns it.")]
internal sealed partial class SseRunWork<T> : ISseRunWork
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private readonly SseRunHost _host;
    private readonly SseHub _hub;
    private readonly ISseTopicLog _log;
    private readonly SseEventFormat<T> _format;
    private readonly string _displayName;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly ILogger _logger;
    private IAsyncDisposable? _watch;
    private long _ownLast;
    private int _stop;
    private int _checking;

    public SseRunWork(SseRunHost host, SseHub hub, SseEventFormat<T> format, string displayName, string runId, ILogger logger)
    {
        _host = host;
        _hub = hub;
        _log = hub.TopicLog;
        _format = format;
        _displayName = displayName;
        _logger = logger;
        Id = runId;
        Topic = SseRunEvents.Topic(displayName, runId);
    }

    public string Id { get; }

    public string Topic { get; }

    /// <summary>Gets the token the implementation's items are enumerated with.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets the work, until the terminal event is in the log (or could not be put there).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Opens the run's log with its marker; the run's events start after it.</summary>
    public async ValueTask<SseTopicPosition> OpenAsync(DateTimeOffset started, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var position = await _log.AppendAsync(Topic, SseRunEvents.Marker(Id, _displayName, started, deadline), cancellationToken).ConfigureAwait(false);
        _ownLast = position.Position;
        _cancellation.CancelAfter(deadline - started);
        _cancellation.Token.UnsafeRegister(static state =>
        {
            var work = (SseRunWork<T>)state!;
            Interlocked.CompareExchange(ref work._stop, (int)SseRunStop.Expired, (int)SseRunStop.None);
        }, this);
        return position;
    }

    /// <summary>Starts the work in the background with the first item already asked for.</summary>
    public void Start(IAsyncEnumerator<T> items, ValueTask<bool> first, AsyncServiceScope scope)
    {
        Completion = RunAsync(items, first, scope);
    }

    /// <inheritdoc />
    public void Stop(SseRunStop why)
    {
        if (Interlocked.CompareExchange(ref _stop, (int)why, (int)SseRunStop.None) == (int)SseRunStop.None)
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It had ended already.
            }
        }
    }

    private async Task RunAsync(IAsyncEnumerator<T> items, ValueTask<bool> first, AsyncServiceScope scope)
    {
        SseTopicEventContent? terminal = null;
        long count = 0;
        try
        {
            // A cancel made on any server writes to the run's cancel topic: watched (a report is only a reason to look:
            // logs also report on polls and reconnects), then looked at once for one made already.
            _watch = await _log.WatchAsync(SseRunEvents.CancelTopic(Topic), _ => StartCancelCheck(), _cancellation.Token).ConfigureAwait(false);
            await CheckCancelAsync().ConfigureAwait(false);

            var next = first;
            while (await next.ConfigureAwait(false))
            {
                var content = _hub.Serialize(Topic, items.Current, _format);
                if (!await AppendOwnAsync(content).ConfigureAwait(false))
                {
                    break;
                }

                count++;
                next = items.MoveNextAsync();
            }

            terminal = Volatile.Read(ref _stop) == (int)SseRunStop.Cancelled ? null : SseRunEvents.End("completed");
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            terminal = (SseRunStop)Volatile.Read(ref _stop) switch
            {
                SseRunStop.Cancelled => null,
                SseRunStop.Stopped => SseRunEvents.Error("The run was stopped", $"The server running '{_displayName}' stopped after {count} events, before the run ended."),
                _ => SseRunEvents.Error("The run took too long", $"The run of '{_displayName}' did not end within its lifetime ({_hub.Options.RunLifetime}, SseHubOptions.RunLifetime) and was cancelled after {count} events."),
            };
        }
        catch (Exception ex)
        {
            Log.RunFailed(_logger, _displayName, Id, count, ex);
            terminal = SseRunEvents.Error("The event stream failed", $"The run of '{_displayName}' failed after {count} events.");
        }
        finally
        {
            await DisposeQuietlyAsync(items, scope).ConfigureAwait(false);
        }

        try
        {
            if (terminal is { } end)
            {
                await AppendTerminalAsync(end).ConfigureAwait(false);
            }

            Log.RunEnded(_logger, _displayName, Id, count, terminal is null ? "cancelled" : terminal.Value.EventType == SseProtocol.EndEventType ? "completed" : "ended with an error");
        }
        finally
        {
            if (_watch is { } watch)
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }

            _host.Remove(this);
            _cancellation.Dispose();
        }
    }

    /// <summary>
    /// Appends one of the run's items; <see langword="false"/> when the run was cancelled meanwhile. An append that failed
    /// may still have been kept, so before trying again the log is read: the item found there counts as appended.
    /// </summary>
    private async ValueTask<bool> AppendOwnAsync(SseTopicEventContent content)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var uncertain = false;
        while (true)
        {
            _cancellation.Token.ThrowIfCancellationRequested();
            try
            {
                if (uncertain)
                {
                    var read = await _log.ReadAsync(Topic, _ownLast, 1, _cancellation.Token).ConfigureAwait(false);
                    if (read.Events is [var kept, ..])
                    {
                        if (SseRunEvents.IsTerminal(kept.EventType))
                        {
                            Stop(SseRunStop.Cancelled);
                            return false;
                        }

                        if (kept.EventType == content.EventType && kept.Data.Span.SequenceEqual(content.Data.Span))
                        {
                            _ownLast = kept.Position;
                            return true;
                        }
                    }

                    uncertain = false;
                }

                var position = await _log.AppendAsync(Topic, content, CancellationToken.None).ConfigureAwait(false);
                _ownLast = position.Position;
                return Volatile.Read(ref _stop) != (int)SseRunStop.Cancelled;
            }
            catch (SseTopicLogUnavailableException ex)
            {
                Log.AppendFailed(_logger, _displayName, Id, ex.Message);
                uncertain = true;
                await Task.Delay(delay, _cancellation.Token).ConfigureAwait(false);
                delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
            }
        }
    }

    /// <summary>Appends the end, retrying for a while when the log is away (without it, attached clients wait out the deadline).</summary>
    private async Task AppendTerminalAsync(SseTopicEventContent terminal)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _log.AppendAsync(Topic, terminal, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (SseTopicLogUnavailableException ex) when (attempt < 15)
            {
                Log.AppendFailed(_logger, _displayName, Id, ex.Message);
                await Task.Delay(delay).ConfigureAwait(false);
                delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
            }
            catch (SseTopicLogUnavailableException ex)
            {
                Log.TerminalLost(_logger, _displayName, Id, ex);
                return;
            }
        }
    }

    private void StartCancelCheck()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 0)
        {
            _ = CheckCancelAsync();
        }
    }

    /// <summary>Stops the work when the run's cancel topic has an event (only a cancel writes there).</summary>
    private async Task CheckCancelAsync()
    {
        try
        {
            if ((await _log.ReadAsync(SseRunEvents.CancelTopic(Topic), 0, 1, CancellationToken.None).ConfigureAwait(false)).Events.Count > 0)
            {
                Stop(SseRunStop.Cancelled);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The log is away: its next report looks again.
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private async Task DisposeQuietlyAsync(IAsyncEnumerator<T> items, AsyncServiceScope scope)
    {
        try
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DisposeFailed(_logger, _displayName, Id, ex);
        }

        await scope.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "The run '{RunId}' of '{Stream}' failed after {Count} events.", EventName = "RunFailed")]
        public static partial void RunFailed(ILogger logger, string stream, string runId, long count, Exception exception);

        [LoggerMessage(2, LogLevel.Information, "The run '{RunId}' of '{Stream}' {How} after {Count} events.", EventName = "RunEnded")]
        public static partial void RunEnded(ILogger logger, string stream, string runId, long count, string how);

        [LoggerMessage(3, LogLevel.Warning, "The run '{RunId}' of '{Stream}' could not append to the topic log ({Message}); it checks the log and tries again.", EventName = "RunAppendFailed")]
        public static partial void AppendFailed(ILogger logger, string stream, string runId, string message);

        [LoggerMessage(4, LogLevel.Error, "The run '{RunId}' of '{Stream}' ended but its end could not be written to the topic log; attached clients are told at its deadline.", EventName = "RunEndLost")]
        public static partial void TerminalLost(ILogger logger, string stream, string runId, Exception exception);

        [LoggerMessage(5, LogLevel.Warning, "Disposing the enumerator of the run '{RunId}' of '{Stream}' failed.", EventName = "RunDisposeFailed")]
        public static partial void DisposeFailed(ILogger logger, string stream, string runId, Exception exception);
    }
}

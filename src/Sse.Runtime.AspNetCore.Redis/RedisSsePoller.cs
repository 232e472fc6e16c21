using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>
/// The safety net under PUB/SUB: every <see cref="SseRedisOptions.PollInterval"/>, and at once after a reconnect, each
/// watched topic's head is read (one script per topic, pipelined on the one connection) and told to its watchers, so a
/// wake-up that was lost delays delivery and never loses it. Reads during an outage fail quietly and the next round
/// tries again.
/// </summary>
internal sealed partial class RedisSsePoller : IAsyncDisposable
{
    private readonly RedisSseTopicLog _log;
    private readonly CancellationToken _stopping;
    private readonly SemaphoreSlim _now = new(0, 1);
    private readonly Task _loop;

    public RedisSsePoller(RedisSseTopicLog log, CancellationToken stopping)
    {
        _log = log;
        _stopping = stopping;
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>Runs a round now (a connection came back), without waiting for the interval.</summary>
    public void PollNow()
    {
        try
        {
            if (_now.CurrentCount == 0)
            {
                _now.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync()
    {
        var failing = false;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _now.WaitAsync(_log.Options.PollInterval, _stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var topics = _log.WatchedTopics();
            if (topics.Length == 0)
            {
                _log.Health.RoundCompleted();
                continue;
            }

            var rounds = new Task[topics.Length];
            for (var i = 0; i < topics.Length; i++)
            {
                rounds[i] = _log.PollAsync(topics[i], _stopping);
            }

            try
            {
                await Task.WhenAll(rounds).ConfigureAwait(false);
                _log.Health.RoundCompleted();
                if (failing)
                {
                    failing = false;
                    Log.PollRecovered(_log.Logger, _log.Options.KeyPrefix);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SseTopicLogUnavailableException or ObjectDisposedException)
            {
                if (!failing)
                {
                    failing = true;
                    Log.PollFailed(_log.Logger, _log.Options.KeyPrefix, ex);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.PollFailed(_log.Logger, _log.Options.KeyPrefix, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5, LogLevel.Warning, "The Redis topic log (key prefix '{Prefix}') cannot read the heads of its watched topics; it tries again every poll interval.", EventName = "PollFailed")]
        public static partial void PollFailed(ILogger logger, string prefix, Exception exception);

        [LoggerMessage(6, LogLevel.Information, "The Redis topic log (key prefix '{Prefix}') reads its watched topics' heads again.", EventName = "PollRecovered")]
        public static partial void PollRecovered(ILogger logger, string prefix);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>
/// Group commit for publishes outside the caller's transaction: the appends waiting while one transaction commits go
/// into the next one together (one round trip, one commit, one notification per topic), so the commit rate stops being
/// the publish rate. A lone publish goes at once, in a transaction of its own, as before.
/// </summary>
/// <remarks>
/// Within a transaction the appends are ordered by topic (a topic's own appends keep their order), so two
/// transactions lock topic rows in the same order; a deadlock with a caller's own transaction that locks several
/// topics in another order is retried. A transaction PostgreSQL refuses is rolled back and its appends go again one by
/// one, so an append at fault fails alone. An append whose caller cancels before its transaction starts is not published;
/// once its transaction started, it completes with the outcome.
/// </remarks>
internal sealed class PostgreSqlAppendBatcher : IAsyncDisposable
{
    /// <summary>The most appends in one transaction.</summary>
    public const int MaxBatch = 256;

    /// <summary>The most event data in one transaction (one larger event still goes, alone).</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    private const string DeadlockDetected = "40P01";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlSseSql _sql;
    private readonly Action<string, long> _committed;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="dataSource">Where to append.</param>
    /// <param name="sql">The log's statements.</param>
    /// <param name="committed">Told each topic's newest position once a transaction committed.</param>
    public PostgreSqlAppendBatcher(NpgsqlDataSource dataSource, PostgreSqlSseSql sql, Action<string, long> committed)
    {
        _dataSource = dataSource;
        _sql = sql;
        _committed = committed;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Appends an event, with the appends that wait at the same time, and returns its position once committed.</summary>
    public Task<long> AppendAsync(string topic, string? eventType, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var pending = new Pending(topic, eventType, data);
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Pending)state!).TryCancel(token), pending);
        }

        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Registration.Dispose();
            throw new ObjectDisposedException(nameof(PostgreSqlSseTopicLog));
        }

        return pending.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            return; // Already disposed.
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        while (_queue.Reader.TryRead(out var pending))
        {
            pending.TryFail(new ObjectDisposedException(nameof(PostgreSqlSseTopicLog)));
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
        {
            batch.Clear();
            var bytes = 0L;
            while (batch.Count < MaxBatch && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var pending))
            {
                if (pending.TryTake())
                {
                    batch.Add(pending);
                    bytes += pending.Data.Length;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            // Stable: a topic's appends keep the order they were published in.
            var ordered = batch.OrderBy(static p => p.Topic, StringComparer.Ordinal).ToList();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await AppendBatchAsync(ordered).ConfigureAwait(false);
                    break;
                }
                catch (PostgresException ex) when (ex.SqlState == DeadlockDetected && attempt < 3)
                {
                    // Rolled back: nothing of the batch was published; try again.
                }
                catch (PostgresException) when (ordered.Count > 1 && !_stopping.IsCancellationRequested)
                {
                    // PostgreSQL refused the batch and rolled it back: one append's own fault must not fail the others,
                    // so each goes again alone and only the one at fault gets the error.
                    foreach (var pending in ordered)
                    {
                        try
                        {
                            await AppendBatchAsync([pending]).ConfigureAwait(false);
                        }
                        catch (Exception ex)
                        {
                            pending.TryFail(Failure(ex));
                        }
                    }

                    break;
                }
                catch (Exception ex)
                {
                    var failure = Failure(ex);
                    foreach (var pending in ordered)
                    {
                        pending.TryFail(failure);
                    }

                    break;
                }
            }
        }
    }

    /// <summary>What a failed append's caller gets: disposal, the database being unavailable, or the failure itself.</summary>
    private Exception Failure(Exception exception) =>
        _stopping.IsCancellationRequested
            ? new ObjectDisposedException(nameof(PostgreSqlSseTopicLog))
            : PostgreSqlFailures.Translate(exception, "publishing");

    private async Task AppendBatchAsync(List<Pending> batch)
    {
        var connection = await _dataSource.OpenConnectionAsync(_stopping.Token).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(_stopping.Token).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var command = new NpgsqlBatch(connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.BatchCommands.Add(new NpgsqlBatchCommand(_sql.StalledTransactionGuard));
        foreach (var pending in batch)
        {
            command.BatchCommands.Add(new NpgsqlBatchCommand(_sql.AppendQuiet)
            {
                Parameters =
                {
                    new() { Value = pending.Topic },
                    new() { Value = (object?)pending.EventType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    new() { Value = pending.Data, NpgsqlDbType = NpgsqlDbType.Bytea },
                },
            });
        }

        // One wake-up per topic, with its newest position, delivered by PostgreSQL only if the transaction commits.
        var topics = batch.Select(static p => p.Topic).Distinct(StringComparer.Ordinal).ToList();
        foreach (var topic in topics)
        {
            command.BatchCommands.Add(new NpgsqlBatchCommand(_sql.NotifyHead)
            {
                Parameters =
                {
                    new() { Value = _sql.Channel },
                    new() { Value = topic },
                    new() { Value = Encoding.UTF8.GetByteCount(topic) <= PostgreSqlSseTopicLog.MaxPayloadTopicBytes ? topic : string.Empty },
                },
            });
        }

        var positions = new long[batch.Count];
        var reader = await command.ExecuteReaderAsync(_stopping.Token).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (!await reader.ReadAsync(_stopping.Token).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("An append returned no position.");
                }

                positions[i] = reader.GetInt64(0);
                await reader.NextResultAsync(_stopping.Token).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(_stopping.Token).ConfigureAwait(false);

        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            heads[batch[i].Topic] = positions[i];
            batch[i].TryComplete(positions[i]);
        }

        foreach (var (topic, head) in heads)
        {
            _committed(topic, head);
        }
    }

    private sealed class Pending(string topic, string? eventType, ReadOnlyMemory<byte> data)
    {
        private const int Queued = 0, Taken = 1, Canceled = 2;
        private int _state;

        public string Topic { get; } = topic;

        public string? EventType { get; } = eventType;

        public ReadOnlyMemory<byte> Data { get; } = data;

        public CancellationTokenRegistration Registration { get; set; }

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Takes the append into a transaction, unless its caller canceled first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        public void TryCancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
            {
                Completion.TrySetCanceled(token);
            }
        }

        public void TryComplete(long position)
        {
            Registration.Dispose();
            Completion.TrySetResult(position);
        }

        public void TryFail(Exception exception)
        {
            Registration.Dispose();
            Interlocked.CompareExchange(ref _state, Taken, Queued);
            Completion.TrySetException(exception);
        }
    }
}

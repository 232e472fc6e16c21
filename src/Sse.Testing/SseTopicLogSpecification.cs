using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Testing;

/// <summary>
/// The contract of <see cref="ISseTopicLog"/> as checks any implementation can be run against: the in-memory,
/// PostgreSQL and Redis logs are, and a log for another engine should be. Derive a class in your test project, say how to
/// make your log, and run every check by name from your test framework.
/// </summary>
/// <remarks>
/// <para>With xunit: <c>[Theory, MemberData(nameof(Checks))] public Task Check(string name) => RunAsync(name);</c>; with
/// NUnit <c>[TestCaseSource(nameof(CheckNames))]</c>, with MSTest <c>[DynamicData]</c>. A failed check throws
/// <see cref="SseSpecificationException"/> saying what was expected and what the log did.</para>
/// <para>The checks: every topic has a valid epoch, kept when its first event comes; positions strictly increase; reads
/// after a position are exact and ordered, with the content as appended; reads past the head and after discarded events
/// are reported truncated, never a partial replay; an append is readable before watchers hear of it; reports from another
/// process arrive and never vanish; concurrent appends from several processes keep one order; a fresh store and a lost
/// history have new epochs; watching again after the last watcher left works; disposal is idempotent.</para>
/// </remarks>
public abstract class SseTopicLogSpecification
{
    private static readonly (string Name, Func<SseTopicLogSpecification, Task> Run)[] AllChecks =
    [
        (nameof(EveryTopicHasAValidEpoch_KeptWhenItsFirstEventComes), static s => s.EveryTopicHasAValidEpoch_KeptWhenItsFirstEventComes()),
        (nameof(PositionsStrictlyIncreaseWithinATopic), static s => s.PositionsStrictlyIncreaseWithinATopic()),
        (nameof(ReadsAfterAPositionAreExactAndOrdered), static s => s.ReadsAfterAPositionAreExactAndOrdered()),
        (nameof(ContentIsReadBackAsAppended), static s => s.ContentIsReadBackAsAppended()),
        (nameof(ReadsPastTheHeadAreTruncated), static s => s.ReadsPastTheHeadAreTruncated()),
        (nameof(RetentionIsReported_NeverAPartialReplay), static s => s.RetentionIsReported_NeverAPartialReplay()),
        (nameof(AnAppendIsReadableBeforeWatchersHearOfIt), static s => s.AnAppendIsReadableBeforeWatchersHearOfIt()),
        (nameof(AppendsOfAnotherProcessAreReported_NoneVanish), static s => s.AppendsOfAnotherProcessAreReported_NoneVanish()),
        (nameof(ConcurrentAppendsFromSeveralProcessesKeepOneOrder), static s => s.ConcurrentAppendsFromSeveralProcessesKeepOneOrder()),
        (nameof(AFreshStoreHasNewEpochs), static s => s.AFreshStoreHasNewEpochs()),
        (nameof(LosingATopicsHistoryChangesItsEpoch), static s => s.LosingATopicsHistoryChangesItsEpoch()),
        (nameof(WatchingAgainAfterTheLastWatcherLeft_IsTold), static s => s.WatchingAgainAfterTheLastWatcherLeft_IsTold()),
        (nameof(DisposalIsIdempotent), static s => s.DisposalIsIdempotent()),
    ];

    /// <summary>Gets the names of every check, for a test framework's data source.</summary>
    public static IReadOnlyList<string> CheckNames { get; } = [.. AllChecks.Select(static c => c.Name)];

    /// <summary>Gets the names of every check as one-argument rows (xunit's <c>MemberData</c>).</summary>
    public static IEnumerable<object[]> Checks => CheckNames.Select(static name => new object[] { name });

    /// <summary>Gets how long a watcher may take to be told of an append (a log that relies on polling needs its interval and some).</summary>
    protected virtual TimeSpan ReportTimeout => TimeSpan.FromSeconds(30);

    /// <summary>Runs one check.</summary>
    /// <param name="name">One of <see cref="CheckNames"/>.</param>
    /// <returns>A task that fails with <see cref="SseSpecificationException"/> when the log does not meet the check.</returns>
    /// <exception cref="ArgumentException">No check has that name.</exception>
    public Task RunAsync(string name)
    {
        foreach (var check in AllChecks)
        {
            if (check.Name == name)
            {
                return check.Run(this);
            }
        }

        throw new ArgumentException($"No check of the topic log specification is named '{name}'; the names are in {nameof(SseTopicLogSpecification)}.{nameof(CheckNames)}.", nameof(name));
    }

    /// <summary>Makes a log over an empty store of its own (a new database, schema or key prefix), with these retention limits.</summary>
    /// <param name="options">The retention limits the log must honour (<see cref="SseHubOptions.ReplayCount"/> in particular).</param>
    /// <returns>The log, ready to use.</returns>
    protected abstract ValueTask<ISseTopicLog> CreateLogAsync(SseHubOptions options);

    /// <summary>
    /// Makes another log over the same store as <paramref name="log"/>, as another server process would have (its own
    /// connections and notifications). The default returns <paramref name="log"/> itself: a log of one process only.
    /// </summary>
    /// <param name="log">A log <see cref="CreateLogAsync"/> made.</param>
    /// <param name="options">The retention limits it was made with.</param>
    /// <returns>The peer; the check disposes it (when it is not <paramref name="log"/>).</returns>
    protected virtual ValueTask<ISseTopicLog> CreatePeerAsync(ISseTopicLog log, SseHubOptions options) => new(log);

    /// <summary>Applies retention now, for a log that applies it in bulk on an interval. The default does nothing.</summary>
    /// <param name="log">The log.</param>
    /// <returns>A task that completes when retention was applied.</returns>
    protected virtual ValueTask ApplyRetentionAsync(ISseTopicLog log) => default;

    /// <summary>
    /// Makes a topic lose its history as the engine can (a store restarted without persistence, a key evicted or
    /// flushed). The default disposes the log and makes a new one over a new store: a restart of an in-memory log.
    /// </summary>
    /// <param name="log">The log.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="options">The retention limits it was made with.</param>
    /// <returns>The log to go on with (the same one, or a new one).</returns>
    protected virtual async ValueTask<ISseTopicLog> LoseHistoryAsync(ISseTopicLog log, string topic, SseHubOptions options)
    {
        await DisposeLogAsync(log).ConfigureAwait(false);
        return await CreateLogAsync(options).ConfigureAwait(false);
    }

    /// <summary>Disposes a log a check made (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>).</summary>
    /// <param name="log">The log.</param>
    /// <returns>A task that completes when it is disposed.</returns>
    protected virtual async ValueTask DisposeLogAsync(ISseTopicLog log)
    {
        switch (log)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private static SseHubOptions Retention(int replayCount = 100_000) => new() { ReplayCount = replayCount, ReplayAge = TimeSpan.FromHours(1) };

    private static string NewTopic(string what) => "spec/" + what + "/" + Guid.NewGuid().ToString("N")[..12];

    private static SseTopicEventContent Content(string text, string? eventType = null) => new(eventType, Encoding.UTF8.GetBytes(text));

    private async Task WithLogAsync(SseHubOptions options, Func<ISseTopicLog, Task> check)
    {
        var log = await CreateLogAsync(options).ConfigureAwait(false);
        try
        {
            await check(log).ConfigureAwait(false);
        }
        finally
        {
            await DisposeLogAsync(log).ConfigureAwait(false);
        }
    }

    private async Task EveryTopicHasAValidEpoch_KeptWhenItsFirstEventComes() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("epoch");
        var empty = await log.GetHeadAsync(topic, default).ConfigureAwait(false);
        Expect.ValidEpoch(empty.Epoch, "the head of a topic without events");
        Expect.True(empty.DiscardedUpTo <= empty.Position, $"A head's discarded mark ({empty.DiscardedUpTo}) is at most its position ({empty.Position}).");
        var first = await log.AppendAsync(topic, Content("first"), default).ConfigureAwait(false);
        Expect.Equal(empty.Epoch, first.Epoch, "The epoch of a topic's first append is the one its head had before (a subscriber that came first must not be reset by it).");
        Expect.True(first.Position > empty.Position && first.Position >= 1, $"The first position ({first.Position}) is at least 1 and past the empty topic's head ({empty.Position}).");
        var head = await log.GetHeadAsync(topic, default).ConfigureAwait(false);
        Expect.Equal(first, new SseTopicPosition(head.Epoch, head.Position), "After one append the head is that append's epoch and position.");
        var read = await log.ReadAsync(topic, empty.Position, 10, default).ConfigureAwait(false);
        Expect.Equal(first.Epoch, read.Epoch, "A read carries the topic's epoch.");
    }).ConfigureAwait(false);

    private async Task PositionsStrictlyIncreaseWithinATopic() => await WithLogAsync(Retention(), async log =>
    {
        string a = NewTopic("a"), b = NewTopic("b");
        var positions = new Dictionary<string, List<SseTopicPosition>> { [a] = [], [b] = [] };
        for (var i = 0; i < 40; i++)
        {
            var topic = i % 3 == 0 ? b : a;
            positions[topic].Add(await log.AppendAsync(topic, Content("event " + i), default).ConfigureAwait(false));
        }

        foreach (var (topic, list) in positions)
        {
            for (var i = 1; i < list.Count; i++)
            {
                Expect.Equal(list[0].Epoch, list[i].Epoch, $"Appends to '{topic}' with no loss between them keep one epoch.");
                Expect.True(list[i].Position > list[i - 1].Position, $"Positions of '{topic}' strictly increase: {list[i - 1].Position} then {list[i].Position}.");
            }
        }
    }).ConfigureAwait(false);

    private async Task ReadsAfterAPositionAreExactAndOrdered() => await WithLogAsync(Retention(), async log =>
    {
        string topic = NewTopic("reads"), other = NewTopic("other");
        var start = (await log.GetHeadAsync(topic, default).ConfigureAwait(false)).Position;
        var appended = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            appended.Add((await log.AppendAsync(topic, Content("event " + i), default).ConfigureAwait(false)).Position);
            await log.AppendAsync(other, Content("noise " + i), default).ConfigureAwait(false);
        }

        foreach (var after in appended.Prepend(start))
        {
            var expected = appended.Where(p => p > after).ToList();
            var all = await log.ReadAsync(topic, after, 1000, default).ConfigureAwait(false);
            Expect.False(all.IsTruncated, $"A read after {after}, a position the topic reached and still keeps, is not truncated.");
            Expect.Equal(appended[^1], all.Head, $"A read after {after} says the head is the last append.");
            Expect.Sequence(expected, all.Events.Select(static e => e.Position), $"the events after {after}");
            var page = await log.ReadAsync(topic, after, 7, default).ConfigureAwait(false);
            Expect.Sequence(expected.Take(7), page.Events.Select(static e => e.Position), $"a page of 7 after {after} (a page is short only at the end)");
            for (var i = 0; i < page.Events.Count; i++)
            {
                var number = appended.IndexOf(page.Events[i].Position);
                Expect.Equal("event " + number, Encoding.UTF8.GetString(page.Events[i].Data.Span), $"The data of the event at {page.Events[i].Position}.");
            }
        }
    }).ConfigureAwait(false);

    private async Task ContentIsReadBackAsAppended() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("content");
        var start = (await log.GetHeadAsync(topic, default).ConfigureAwait(false)).Position;
        var large = new StringBuilder();
        for (var i = 0; large.Length < 100_000; i++)
        {
            large.Append("ligne ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(" — 𝄞 ü\n");
        }

        SseTopicEventContent[] contents =
        [
            new(null, ReadOnlyMemory<byte>.Empty),
            Content("plain"),
            Content("two\nlines", "named"),
            Content("{\"json\":true}", "ünïcode-name"),
            Content(large.ToString(), "large"),
        ];
        var before = DateTimeOffset.UtcNow;
        foreach (var content in contents)
        {
            await log.AppendAsync(topic, content, default).ConfigureAwait(false);
        }

        var read = await log.ReadAsync(topic, start, 100, default).ConfigureAwait(false);
        Expect.Equal(contents.Length, read.Events.Count, "Every appended event is read back.");
        for (var i = 0; i < contents.Length; i++)
        {
            var (expected, actual) = (contents[i], read.Events[i]);
            Expect.Equal(expected.EventType, actual.EventType, $"The event name of event {i} (null stays null).");
            Expect.True(expected.Data.Span.SequenceEqual(actual.Data.Span), $"The data of event {i} ({expected.Data.Length} bytes) is read back byte for byte; got {actual.Data.Length} bytes.");
            Expect.True((actual.Timestamp - before).Duration() < TimeSpan.FromMinutes(10), $"The timestamp of event {i} ({actual.Timestamp:O}) is when it was appended (within the clocks' skew).");
        }
    }).ConfigureAwait(false);

    private async Task ReadsPastTheHeadAreTruncated() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("past");
        var start = (await log.GetHeadAsync(topic, default).ConfigureAwait(false)).Position;
        SseTopicPosition last = default;
        for (var i = 0; i < 3; i++)
        {
            last = await log.AppendAsync(topic, Content("event " + i), default).ConfigureAwait(false);
        }

        foreach (var past in new[] { last.Position + 1, last.Position + 1000, long.MaxValue - 1 })
        {
            var read = await log.ReadAsync(topic, past, 10, default).ConfigureAwait(false);
            Expect.True(read.IsTruncated && read.Events.Count == 0, $"A read after {past}, past the head {last.Position}, is truncated and empty (it is not a position of this topic).");
        }

        var head = await log.GetHeadAsync(topic, default).ConfigureAwait(false);
        Expect.True(head.CanResumeAfter(last.Position) && head.CanResumeAfter(start), "A subscriber can resume after the head, and after the start of a topic that discarded nothing.");
        Expect.False(head.CanResumeAfter(last.Position + 1), "Nobody can resume after a position past the head.");
        var never = await log.ReadAsync(NewTopic("never"), 5_000_000_000, 10, default).ConfigureAwait(false);
        Expect.True(never.IsTruncated, "A read of a topic that never had events, after a position it never reached, is truncated.");
    }).ConfigureAwait(false);

    private async Task RetentionIsReported_NeverAPartialReplay() => await WithLogAsync(Retention(replayCount: 5), async log =>
    {
        var topic = NewTopic("retention");
        var start = (await log.GetHeadAsync(topic, default).ConfigureAwait(false)).Position;
        var appended = new List<long>();
        for (var i = 0; i < 400; i++)
        {
            appended.Add((await log.AppendAsync(topic, Content("event " + i), default).ConfigureAwait(false)).Position);
        }

        await ApplyRetentionAsync(log).ConfigureAwait(false);
        var head = await log.GetHeadAsync(topic, default).ConfigureAwait(false);
        Expect.Equal(appended[^1], head.Position, "Retention does not move the head.");
        Expect.True(head.DiscardedUpTo >= appended[0], $"With ReplayCount 5 and 400 events, retention discarded some (the discarded mark is {head.DiscardedUpTo}, the first event was {appended[0]}).");
        foreach (var after in appended.Prepend(start).Where(static (_, i) => i % 7 == 0).Append(head.DiscardedUpTo).Append(appended[^1]))
        {
            var read = await log.ReadAsync(topic, after, 1000, default).ConfigureAwait(false);
            var resumable = head.CanResumeAfter(after);
            Expect.Equal(!resumable, read.IsTruncated, $"A read after {after} is truncated exactly when the head says it cannot be resumed from (discarded up to {head.DiscardedUpTo}).");
            if (resumable)
            {
                Expect.Sequence(appended.Where(p => p > after), read.Events.Select(static e => e.Position), $"the events after {after}, all kept (never a partial replay)");
            }
        }
    }).ConfigureAwait(false);

    private async Task AnAppendIsReadableBeforeWatchersHearOfIt() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("visible");
        var seen = new ConcurrentQueue<Task<(SseTopicPosition Reported, SseTopicHead Head)>>();
        var newest = new Newest();
        var watch = await log.WatchAsync(topic, reported =>
        {
            // Read right after being told: the event must be there already.
            seen.Enqueue(Task.Run(async () => (reported, await log.GetHeadAsync(topic, default).ConfigureAwait(false))));
            newest.Offer(reported);
        }, default).ConfigureAwait(false);
        try
        {
            SseTopicPosition last = default;
            for (var i = 0; i < 20; i++)
            {
                last = await log.AppendAsync(topic, Content("event " + i), default).ConfigureAwait(false);
            }

            await newest.WaitForAsync(last, ReportTimeout, "the watcher of the topic").ConfigureAwait(false);
            foreach (var check in seen)
            {
                var (reported, head) = await check.ConfigureAwait(false);
                Expect.Equal(reported.Epoch, head.Epoch, "A report carries the topic's epoch.");
                Expect.True(head.Position >= reported.Position, $"Told of position {reported.Position}, a read right after saw the head at {head.Position}: an append must be readable before watchers are told.");
            }
        }
        finally
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }
    }).ConfigureAwait(false);

    private async Task AppendsOfAnotherProcessAreReported_NoneVanish() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("peer");
        var peer = await CreatePeerAsync(log, Retention()).ConfigureAwait(false);
        var newest = new Newest();
        var watch = await log.WatchAsync(topic, newest.Offer, default).ConfigureAwait(false);
        try
        {
            var appends = await Task.WhenAll(Enumerable.Range(0, 8).Select(async writer =>
            {
                var mine = new List<SseTopicPosition>();
                for (var i = 0; i < 10; i++)
                {
                    mine.Add(await peer.AppendAsync(topic, Content($"{writer}:{i}"), default).ConfigureAwait(false));
                }

                return mine;
            })).ConfigureAwait(false);
            var last = appends.SelectMany(static a => a).MaxBy(static p => p.Position);
            await newest.WaitForAsync(last, ReportTimeout, "a watcher of the topic, told of another process's appends").ConfigureAwait(false);
        }
        finally
        {
            await watch.DisposeAsync().ConfigureAwait(false);
            if (!ReferenceEquals(peer, log))
            {
                await DisposeLogAsync(peer).ConfigureAwait(false);
            }
        }
    }).ConfigureAwait(false);

    private async Task ConcurrentAppendsFromSeveralProcessesKeepOneOrder() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("order");
        var logs = new List<ISseTopicLog> { log };
        for (var i = 0; i < 2; i++)
        {
            logs.Add(await CreatePeerAsync(log, Retention()).ConfigureAwait(false));
        }

        try
        {
            var start = (await log.GetHeadAsync(topic, default).ConfigureAwait(false)).Position;
            var writers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async writer =>
            {
                var own = logs[writer % logs.Count];
                var mine = new List<long>();
                for (var i = 0; i < 40; i++)
                {
                    mine.Add((await own.AppendAsync(topic, Content($"{writer}:{i}"), default).ConfigureAwait(false)).Position);
                }

                return mine;
            })).ConfigureAwait(false);
            var all = writers.SelectMany(static w => w).ToList();
            Expect.Equal(all.Count, all.Distinct().Count(), "Every concurrent append got its own position.");
            for (var writer = 0; writer < writers.Length; writer++)
            {
                for (var i = 1; i < writers[writer].Count; i++)
                {
                    Expect.True(writers[writer][i] > writers[writer][i - 1], $"Writer {writer}'s appends, made one after the other, got increasing positions ({writers[writer][i - 1]} then {writers[writer][i]}).");
                }
            }

            var read = new List<SseTopicEvent>();
            var after = start;
            while (true)
            {
                var page = await log.ReadAsync(topic, after, 100, default).ConfigureAwait(false);
                Expect.False(page.IsTruncated, "Nothing was discarded.");
                if (page.Events.Count == 0)
                {
                    break;
                }

                read.AddRange(page.Events);
                after = page.Events[^1].Position;
            }

            Expect.Sequence(all.Order(), read.Select(static e => e.Position), "the events every process appended, read back in one order");
            foreach (var topicEvent in read)
            {
                var text = Encoding.UTF8.GetString(topicEvent.Data.Span);
                var writer = int.Parse(text[..text.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                var index = int.Parse(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
                Expect.Equal(writers[writer][index], topicEvent.Position, $"The event '{text}' is at the position its append returned.");
            }
        }
        finally
        {
            foreach (var peer in logs.Skip(1).Where(p => !ReferenceEquals(p, log)))
            {
                await DisposeLogAsync(peer).ConfigureAwait(false);
            }
        }
    }).ConfigureAwait(false);

    private async Task AFreshStoreHasNewEpochs()
    {
        var topic = NewTopic("fresh");
        string first = string.Empty, second = string.Empty;
        await WithLogAsync(Retention(), async log => first = (await log.AppendAsync(topic, Content("one"), default).ConfigureAwait(false)).Epoch).ConfigureAwait(false);
        await WithLogAsync(Retention(), async log => second = (await log.AppendAsync(topic, Content("one"), default).ConfigureAwait(false)).Epoch).ConfigureAwait(false);
        Expect.True(first != second, $"Two fresh stores gave the topic the same epoch '{first}': an id from one would point at another event in the other.");
    }

    private async Task LosingATopicsHistoryChangesItsEpoch()
    {
        var options = Retention();
        var topic = NewTopic("lost");
        var log = await CreateLogAsync(options).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await log.AppendAsync(topic, Content("before " + i), default).ConfigureAwait(false);
            }

            var before = await log.GetHeadAsync(topic, default).ConfigureAwait(false);
            log = await LoseHistoryAsync(log, topic, options).ConfigureAwait(false);
            var read = await log.ReadAsync(topic, before.Position, 10, default).ConfigureAwait(false);
            Expect.True(read.Epoch != before.Epoch, $"After the topic lost its history, a read still has its old epoch '{before.Epoch}': an old id would be resumed from as if nothing were lost.");
            var after = await log.AppendAsync(topic, Content("after"), default).ConfigureAwait(false);
            Expect.True(after.Epoch != before.Epoch, $"After the topic lost its history, an append still got the old epoch '{before.Epoch}'.");
            Expect.Equal(read.Epoch, after.Epoch, "The new epoch a read saw is the one the next append gets.");
        }
        finally
        {
            await DisposeLogAsync(log).ConfigureAwait(false);
        }
    }

    private async Task WatchingAgainAfterTheLastWatcherLeft_IsTold() => await WithLogAsync(Retention(), async log =>
    {
        var topic = NewTopic("rewatch");
        var first = await log.WatchAsync(topic, static _ => { }, default).ConfigureAwait(false);
        await first.DisposeAsync().ConfigureAwait(false);
        await first.DisposeAsync().ConfigureAwait(false);
        var newest = new Newest();
        var second = await log.WatchAsync(topic, newest.Offer, default).ConfigureAwait(false);
        try
        {
            var position = await log.AppendAsync(topic, Content("again"), default).ConfigureAwait(false);
            await newest.WaitForAsync(position, ReportTimeout, "a watcher that came after the topic's last watcher left").ConfigureAwait(false);
        }
        finally
        {
            await second.DisposeAsync().ConfigureAwait(false);
        }
    }).ConfigureAwait(false);

    private async Task DisposalIsIdempotent()
    {
        var log = await CreateLogAsync(Retention()).ConfigureAwait(false);
        var watch = await log.WatchAsync(NewTopic("dispose"), static _ => { }, default).ConfigureAwait(false);
        await watch.DisposeAsync().ConfigureAwait(false);
        await watch.DisposeAsync().ConfigureAwait(false);
        await DisposeLogAsync(log).ConfigureAwait(false);
        await DisposeLogAsync(log).ConfigureAwait(false);
        if (log is IAsyncDisposable and IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    /// <summary>The newest position a watcher was told, and a wait for one.</summary>
    private sealed class Newest
    {
        private readonly object _gate = new();
        private SseTopicPosition _newest;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Offer(SseTopicPosition position)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                if (position.Epoch == _newest.Epoch && position.Position <= _newest.Position)
                {
                    return;
                }

                _newest = position;
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        public async Task WaitForAsync(SseTopicPosition expected, TimeSpan timeout, string who)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_newest.Epoch == expected.Epoch && _newest.Position >= expected.Position)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                try
                {
                    await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new SseSpecificationException($"Within {timeout.TotalSeconds:0} s, {who} was told of position {_newest.Position} (epoch '{_newest.Epoch}') but not of {expected.Position} (epoch '{expected.Epoch}'): reports may coalesce or come late, never vanish.");
                }
            }
        }
    }
}

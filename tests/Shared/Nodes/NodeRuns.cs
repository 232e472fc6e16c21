using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Sse.PostgreSql.Node;
using Sse.Runtime;
using Xunit;

namespace Sse.Tests;

/// <summary>
/// Runs ([SseRun]) across two server processes sharing one topic log (PostgreSQL or Redis): the same scenarios for
/// every engine that lets several servers share runs.
/// </summary>
internal static class NodeRuns
{
    /// <summary>Starts a node by name with extra arguments.</summary>
    public delegate Task<AppProcess> StartNode(string name, params string[] arguments);

    /// <summary>
    /// A run started on one server is attached to from the other (the whole run from its start, each note once), and
    /// cancelled from the other: every attached stream ends at the cancel, and the work stops on the server doing it,
    /// which learns of the cancel through the log.
    /// </summary>
    public static async Task StartedOnOne_AttachedAndCancelledFromTheOtherAsync(StartNode start, Action<string> log)
    {
        await using var a = await start("a");
        await using var b = await start("b");
        using var timeout = new CancellationTokenSource(NodeNotes.Timeout);
        using var httpA = new HttpClient { BaseAddress = a.Address };
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var onA = new NodeFeedClient(httpA);
        var onB = new NodeFeedClient(httpB);

        var run = onA.StartCount(100_000, 5);
        await using var starter = run.GetAsyncEnumerator(timeout.Token);
        var started = await TakeAsync(starter, 10);
        var id = run.Id!;

        // The other server attaches from the run's start, while node a does the work.
        await using var watcher = onB.AttachCount(id).GetAsyncEnumerator(timeout.Token);
        var watched = await TakeAsync(watcher, 20);
        Assert.Equal(Enumerable.Range(0, 20).Select(static i => (long)i), watched.Select(static n => n.Seq));
        Assert.All(watched, static n => Assert.Equal("a", n.From));

        // Stop from node b: both streams end (the run's end event), each a run of the numbers with nothing missing.
        await onB.AttachCount(id).CancelAsync(timeout.Token);
        started.AddRange(await TakeAsync(starter, int.MaxValue));
        watched.AddRange(await TakeAsync(watcher, int.MaxValue));
        Assert.Equal(Enumerable.Range(0, started.Count).Select(static i => (long)i), started.Select(static n => n.Seq));
        Assert.Equal(Enumerable.Range(0, watched.Count).Select(static i => (long)i), watched.Select(static n => n.Seq));
        Assert.True(started.Count < 100_000 && watched.Count < 100_000);
        log($"run {id}: the starter on a got {started.Count} notes, the watcher on b {watched.Count}, then the end");

        // Node a heard of the cancel through the log and stopped the work.
        await a.WaitForLineAsync(line => line.Contains(id, StringComparison.Ordinal) && line.Contains("cancelled after", StringComparison.Ordinal), NodeNotes.Timeout);
    }

    /// <summary>
    /// The same start (one proposed id, as a client's retry sends it) reaches both servers at once: both begin, both
    /// write a marker, and the first marker in the log is the run. So both responses are that one run, each note once,
    /// all from one server; two works writing into the run would show as repeated numbers.
    /// </summary>
    public static async Task SameStartOnBothServersAtOnce_IsOneRunAsync(StartNode start, Action<string> log)
    {
        await using var a = await start("a");
        await using var b = await start("b");
        using var timeout = new CancellationTokenSource(NodeNotes.Timeout);
        var id = RunIds.New();
        using var httpA = RunIds.ClientProposing(id, a.Address);
        using var httpB = RunIds.ClientProposing(id, b.Address);
        var runA = new NodeFeedClient(httpA).StartCount(30, 20);
        var runB = new NodeFeedClient(httpB).StartCount(30, 20);
        var readA = TakeAllAsync(runA, timeout.Token);
        var readB = TakeAllAsync(runB, timeout.Token);
        var (onA, onB) = (await readA, await readB);

        Assert.Equal(id, runA.Id);
        Assert.Equal(id, runB.Id);
        Assert.Equal(Enumerable.Range(0, 30).Select(static i => (long)i), onA.Select(static n => n.Seq));
        Assert.Equal(Enumerable.Range(0, 30).Select(static i => (long)i), onB.Select(static n => n.Seq));
        var worker = Assert.Single(onA.Concat(onB).Select(static n => n.From).Distinct());
        log($"run {id}: both starts got the 30 notes of the run on {worker}");
    }

    private static async Task<List<Note>> TakeAllAsync(IAsyncEnumerable<Note> run, CancellationToken cancellationToken)
    {
        var notes = new List<Note>();
        await foreach (var note in run.WithCancellation(cancellationToken))
        {
            notes.Add(note);
        }

        return notes;
    }

    /// <summary>
    /// The server doing a run is killed: a client attached through the other server is told at the run's deadline
    /// (the error event), not left waiting; so is one that attaches later.
    /// </summary>
    public static async Task ServerKilledMidRun_AttachedClientsGetTheErrorAtTheDeadlineAsync(StartNode start, Action<string> log)
    {
        var a = await start("a", "--RunLifetimeMs", "2000");
        await using var b = await start("b", "--RunLifetimeMs", "2000");
        using var timeout = new CancellationTokenSource(NodeNotes.Timeout);
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var (run, watcher, seen) = await WatchFromTheOtherAsync(a, httpB, timeout.Token);
        await using var _ = watcher;
        await a.KillAsync();
        await a.DisposeAsync();
        var failed = await Assert.ThrowsAsync<SseStreamFailedException>(async () => seen.AddRange(await TakeAsync(watcher, int.MaxValue)));
        Assert.Contains("past its deadline", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, seen.Count).Select(static i => (long)i), seen.Select(static n => n.Seq));
        log($"run {run.Id}: the watcher on b got {seen.Count} notes, then: {failed.Detail}");

        await using var late = new NodeFeedClient(httpB).AttachCount(run.Id!).GetAsyncEnumerator(timeout.Token);
        await Assert.ThrowsAsync<SseStreamFailedException>(() => TakeAsync(late, int.MaxValue));
    }

    /// <summary>
    /// The server doing a run is stopped (SIGTERM): it ends its runs with the error event before its log closes, so a
    /// client attached through the other server is told at once, long before the run's deadline.
    /// </summary>
    public static async Task ServerStoppedMidRun_EndsItsRunsWithTheErrorAsync(StartNode start, Action<string> log)
    {
        var a = await start("a");
        await using var b = await start("b");
        using var timeout = new CancellationTokenSource(NodeNotes.Timeout);
        using var httpB = new HttpClient { BaseAddress = b.Address };
        var (run, watcher, seen) = await WatchFromTheOtherAsync(a, httpB, timeout.Token);
        await using var _ = watcher;
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        var exit = a.TerminateAsync(TimeSpan.FromSeconds(30));
        var failed = await Assert.ThrowsAsync<SseStreamFailedException>(async () => seen.AddRange(await TakeAsync(watcher, int.MaxValue)));
        Assert.Contains("stopped", failed.Detail, StringComparison.Ordinal);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(30), $"The error came after {stopped.Elapsed}.");
        Assert.Equal(Enumerable.Range(0, seen.Count).Select(static i => (long)i), seen.Select(static n => n.Seq));
        log($"run {run.Id}: the watcher on b got {seen.Count} notes, then after {stopped.ElapsedMilliseconds} ms: {failed.Detail}");
        await exit;
        await a.DisposeAsync();
    }

    /// <summary>Starts a long run on node a (its starter leaves after 3 notes) and attaches to it through the other node.</summary>
    private static async Task<(SseRun<Note> Run, IAsyncEnumerator<Note> Watcher, List<Note> Seen)> WatchFromTheOtherAsync(AppProcess a, HttpClient other, CancellationToken cancellationToken)
    {
        using var httpA = new HttpClient { BaseAddress = a.Address };
        var run = new NodeFeedClient(httpA).StartCount(100_000, 10, cancellationToken);
        await using (var starter = run.GetAsyncEnumerator(cancellationToken))
        {
            await TakeAsync(starter, 3);
        }

        var watcher = new NodeFeedClient(other).AttachCount(run.Id!, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        return (run, watcher, await TakeAsync(watcher, 5));
    }

    private static async Task<List<Note>> TakeAsync(IAsyncEnumerator<Note> stream, int count)
    {
        var notes = new List<Note>();
        while (notes.Count < count && await stream.MoveNextAsync().AsTask().WaitAsync(NodeNotes.Timeout))
        {
            notes.Add(stream.Current);
        }

        return notes;
    }
}

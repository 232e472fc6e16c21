using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Testing;
using Sse.Tests;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// Runs ([SseRun]) end to end: the generated client starts a run with a POST and, through a proxy that cuts its
/// connections, re-attaches by the run's id without sending the POST again; other clients attach in progress and after
/// the end; a cancel from any client ends every stream and stops the work; failures are the error event.
/// </summary>
public sealed class RunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static Task<SseTestHost> StartAsync(RunProbe probe, SseTestHostOptions? options = null, Action<SseHubOptions>? hub = null) => SseTestHost.StartAsync(
        builder => builder.Services.AddSingleton(probe).AddScoped<IRunFeed, RunFeed>().AddSseHub(hub),
        static app => app.MapRunFeed(),
        options ?? new SseTestHostOptions());

    private static async Task<List<int>> ReadAllAsync(IAsyncEnumerable<Step> steps, CancellationToken cancellationToken)
    {
        var seen = new List<int>();
        await foreach (var step in steps.WithCancellation(cancellationToken))
        {
            seen.Add(step.Index);
        }

        return seen;
    }

    [Fact]
    public async Task CutConnections_ReattachByTheRunsId_NeverRePost_ExactSequence()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe, new SseTestHostOptions
        {
            Marker = "/runs-e2e/count",
            Faults = static r => r.Index < 6 ? SseFault.CutAfterBytes(200 + (r.Index * 150), SseCutPoint.MidFrame) : null,
        });
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http, new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(20) });
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(120, 2));
        var seen = await ReadAllAsync(run, cts.Token);

        Assert.Equal(Enumerable.Range(0, 120), seen);
        Assert.Equal(1, probe.Starts);
        Assert.NotNull(run.Id);
        Assert.Equal(run.Id, await run.Started);
        var requests = host.Proxy.Requests;
        Assert.Equal(6, host.Proxy.Cuts);
        Assert.Equal("POST", requests[0].Method);
        Assert.All(requests.Skip(1), r => Assert.Equal("GET", r.Method));
        Assert.All(requests.Skip(1), r => Assert.Equal($"/runs-e2e/count/runs/{run.Id}", r.Target));
        Assert.All(requests.Skip(1), r => Assert.NotNull(r.LastEventId));
    }

    [Fact]
    public async Task OtherClients_AttachInProgressAndAfterTheEnd_EachGetsTheWholeRun()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe);
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var first = client.StartCount(new CountRequest(60, 10));
        await using var reader = first.GetAsyncEnumerator(cts.Token);
        Assert.True(await reader.MoveNextAsync());
        var id = first.Id!;

        // A second client (a reloaded page, another tab) while it runs: the whole run from its start, to its end.
        var second = await ReadAllAsync(client.AttachCount(id), cts.Token);
        Assert.Equal(Enumerable.Range(0, 60), second);

        // One that already has part of it: the rest, after its last id.
        var prefix = new List<(int Index, string? Id)>();
        var attached = new Sse.Runtime.SseClientOptions();
        await foreach (var item in Sse.Runtime.Infrastructure.SseStreamReader.ReadItemsAsync(http, new Sse.Runtime.Infrastructure.SseRequest("RunFeed.Count", System.Net.Http.HttpMethod.Get, $"/runs-e2e/count/runs/{id}", resumable: true), RunFeedEventFormats.Count, attached, cts.Token))
        {
            prefix.Add((item.Data.Index, item.EventId));
            if (prefix.Count == 25)
            {
                break;
            }
        }

        var rest = await ReadAllAsync(client.AttachCount(id, prefix[^1].Id), cts.Token);
        Assert.Equal(Enumerable.Range(25, 35), rest);

        // After the end, within retention: the whole run again, and it ends.
        var after = await ReadAllAsync(client.AttachCount(id), cts.Token);
        Assert.Equal(Enumerable.Range(0, 60), after);
        Assert.Equal(1, probe.Starts);
        Assert.Equal(1, probe.Finished);
    }

    [Fact]
    public async Task TheStartingClientLeaves_TheWorkGoesOn_AndAReloadAttachesToTheEnd()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe);
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(40, 10));
        await using (var reader = run.GetAsyncEnumerator(cts.Token))
        {
            Assert.True(await reader.MoveNextAsync());
        }

        // The page went away after one item; the answer is still being written, and a reload gets all of it.
        Assert.Equal(Enumerable.Range(0, 40), await ReadAllAsync(client.AttachCount(run.Id!), cts.Token));
        Assert.Equal(1, probe.Finished);
        Assert.Equal(0, probe.Cancelled);
    }

    [Fact]
    public async Task CancelFromAnotherClient_EndsEveryAttachedStream_AndStopsTheWork()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe);
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(10_000, 5));
        var first = new List<int>();
        var reading = Task.Run(async () =>
        {
            await foreach (var step in run.WithCancellation(cts.Token))
            {
                first.Add(step.Index);
            }
        });
        var id = await run.Started;
        var watching = client.AttachCount(id);
        var watched = new List<int>();
        var watchReading = Task.Run(async () =>
        {
            await foreach (var step in watching.WithCancellation(cts.Token))
            {
                watched.Add(step.Index);
            }
        });
        while (Volatile.Read(ref first) is { Count: < 10 })
        {
            await Task.Delay(10, cts.Token);
        }

        // Another tab's Stop: both streams end as the run's end (no exception), and the work sees its token.
        await client.AttachCount(id).CancelAsync(cts.Token);
        await reading.WaitAsync(Timeout);
        await watchReading.WaitAsync(Timeout);
        Assert.True(first.Count < 10_000);
        Assert.Equal(Enumerable.Range(0, first.Count), first);
        Assert.Equal(Enumerable.Range(0, watched.Count), watched);
        for (var i = 0; probe.Cancelled == 0 && i < 500; i++)
        {
            await Task.Delay(10, cts.Token);
        }

        Assert.Equal(1, probe.Cancelled);
        Assert.Equal(0, probe.Finished);

        // The cancelled run stays attachable: what it made, then its end. Cancelling it again changes nothing.
        var after = await ReadAllAsync(client.AttachCount(id), cts.Token);
        Assert.Equal(Enumerable.Range(0, after.Count), after);
        Assert.True(after.Count >= first.Count);
        await client.AttachCount(id).CancelAsync(cts.Token);
    }

    [Fact]
    public async Task FailingRun_IsTheErrorEvent_ForTheStarterAndForLaterAttaches()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe);
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(20, 1, FailAt: 7));
        var seen = new List<int>();
        var failed = await Assert.ThrowsAsync<SseStreamFailedException>(async () =>
        {
            await foreach (var step in run.WithCancellation(cts.Token))
            {
                seen.Add(step.Index);
            }
        });
        Assert.Equal(Enumerable.Range(0, 7), seen);
        Assert.Contains("RunFeed.Count", failed.Detail, StringComparison.Ordinal);

        var again = new List<int>();
        await Assert.ThrowsAsync<SseStreamFailedException>(async () =>
        {
            await foreach (var step in client.AttachCount(run.Id!).WithCancellation(cts.Token))
            {
                again.Add(step.Index);
            }
        });
        Assert.Equal(Enumerable.Range(0, 7), again);
    }

    [Fact]
    public async Task RefusedBeforeItsFirstItem_Is400_StartsNothing_AndUnknownRunsAre404()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe);
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var refused = client.StartCount(new CountRequest(-1, 1));
        var error = await Assert.ThrowsAsync<SseHttpException>(() => ReadAllAsync(refused, cts.Token));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("count cannot be negative.", error.ProblemDetail);
        Assert.Null(refused.Id);
        await Assert.ThrowsAsync<SseHttpException>(() => refused.Started);
        Assert.Throws<InvalidOperationException>(() => { _ = refused.CancelAsync(); });
        Assert.Equal(0, probe.Starts);

        foreach (var id in new[] { "AAAAAAAAAAAAAAAAAAAAAA", "not-a-run", "%2e%2e" })
        {
            var missing = await Assert.ThrowsAsync<SseHttpException>(() => ReadAllAsync(client.AttachCount(id), cts.Token));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            var cancel = await Assert.ThrowsAsync<SseHttpException>(() => client.AttachCount(id).CancelAsync(cts.Token));
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }
    }

    /// <summary>
    /// The log refuses the run's marker while the work's first step is still running (a database gone between the
    /// two): the start is answered 503 with Retry-After and starts nothing, so the work that began is stopped by its
    /// token (not left running with nobody to end it) and the client may send the start again, which it does until the
    /// log is back. One run then completes: each earlier attempt's work was stopped, none ran to its end beside it.
    /// </summary>
    [Fact]
    public async Task LogRefusingTheMarker_Is503_StopsTheWorkItsFirstStepBegan_AndTheRetriedStartRunsOnce()
    {
        var probe = new RunProbe();
        var log = new SseFaultyTopicLog(new InMemorySseTopicLog(Microsoft.Extensions.Options.Options.Create(new SseHubOptions()))) { FailAppends = true };
        await using var host = await SseTestHost.StartAsync(
            builder => builder.Services.AddSingleton(probe).AddScoped<IRunFeed, RunFeed>().AddSingleton<Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog>(log).AddSseHub(),
            static app => app.MapRunFeed());
        using var http = host.CreateHttpClient();
        var refusals = 0;
        var client = new RunFeedClient(http, new SseClientOptions
        {
            OnDisconnected = context =>
            {
                if (context.Exception is SseHttpException { StatusCode: HttpStatusCode.ServiceUnavailable })
                {
                    Interlocked.Increment(ref refusals);
                }
            },
        });
        using var cts = new CancellationTokenSource(Timeout);

        // Each step waits 300 ms: the first is still pending when the marker is refused.
        var run = client.StartCount(new CountRequest(3, 300));
        var reading = ReadAllAsync(run, cts.Token);
        while (Volatile.Read(ref refusals) < 2 || probe.Cancelled < 2)
        {
            Assert.False(reading.IsCompleted, "The run ended while the log refused it.");
            await Task.Delay(20, cts.Token);
        }

        Assert.Null(run.Id);
        log.FailAppends = false;
        Assert.Equal([0, 1, 2], await reading);
        Assert.NotNull(run.Id);
        Assert.Equal(1, probe.Finished);
        Assert.Equal(probe.Starts - 1, probe.Cancelled);
        Assert.Equal(probe.Cancelled, probe.CancelledByToken);
    }

    /// <summary>
    /// The start reaches the server, which starts the run, but its answer is lost on the way back (the connection drops
    /// before the headers arrive): the client cannot know the run's id, so it sends the start again, with the id it
    /// proposed the first time (<c>Sse-Run-Id</c>). The server attaches it to the run that id started: one run, each
    /// item once. Without the proposed id the second start is a second run (<c>Starts == 2</c>).
    /// </summary>
    [Fact]
    public async Task StartWhoseAnswerIsLost_IsSentAgain_AndAttachesToTheRunItStarted()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe);
        var lose = new LoseFirstAnswer { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(lose) { BaseAddress = host.Address };
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(20, 20));
        Assert.Equal(Enumerable.Range(0, 20), await ReadAllAsync(run, cts.Token));
        Assert.Equal(1, lose.Lost);
        Assert.Equal(1, probe.Starts);
        Assert.Equal(1, probe.Finished);
        Assert.Equal(2, lose.Starts.Count);
        Assert.Equal(lose.Starts[0], lose.Starts[1]);
        Assert.Equal(run.Id, lose.Starts[0]);

        // A new start is a new run, with an id of its own.
        var next = client.StartCount(new CountRequest(2, 1));
        Assert.Equal([0, 1], await ReadAllAsync(next, cts.Token));
        Assert.NotEqual(run.Id, next.Id);
        Assert.Equal(2, probe.Starts);
    }

    /// <summary>
    /// The same start (one proposed id) reaches two servers sharing one log at once, both before either wrote its
    /// marker (the log holds each server's first look until both looked): both begin, both write a marker, and the
    /// first marker is the run. The other
    /// server stops its work and attaches its client to the run: both clients get the run's items once, from one work.
    /// Without the check after the marker both works would write into the run.
    /// </summary>
    [Fact]
    public async Task SameStartOnTwoServersAtOnce_IsOneRun_TheOtherAttaches()
    {
        var probe = new RunProbe();
        var log = new BothLookFirstLog(new InMemorySseTopicLog(Microsoft.Extensions.Options.Options.Create(new SseHubOptions())));
        Task<SseTestHost> Server() => SseTestHost.StartAsync(
            builder => builder.Services.AddSingleton(probe).AddScoped<IRunFeed, RunFeed>().AddSingleton<Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog>(log).AddSseHub(),
            static app => app.MapRunFeed());
        await using var a = await Server();
        await using var b = await Server();
        var id = RunIds.New();
        using var httpA = RunIds.ClientProposing(id, a.Address);
        using var httpB = RunIds.ClientProposing(id, b.Address);
        using var cts = new CancellationTokenSource(Timeout);

        var runA = new RunFeedClient(httpA).StartCount(new CountRequest(20, 20));
        var runB = new RunFeedClient(httpB).StartCount(new CountRequest(20, 20));
        var readA = ReadAllAsync(runA, cts.Token);
        var readB = ReadAllAsync(runB, cts.Token);
        Assert.Equal(Enumerable.Range(0, 20), await readA);
        Assert.Equal(Enumerable.Range(0, 20), await readB);
        Assert.Equal(id, runA.Id);
        Assert.Equal(id, runB.Id);
        Assert.Equal(2, probe.Starts);
        Assert.Equal(1, probe.Finished);
        Assert.Equal(1, probe.CancelledByToken);
    }

    /// <summary>
    /// The same start twice at once at one server, both before it has a marker: one goes on; the other is answered 503
    /// "is starting" (not "the application is stopping"), its work stopped, and its client, retrying, attaches to the
    /// run the first one started.
    /// </summary>
    [Fact]
    public async Task SameStartTwiceAtOnceAtOneServer_TheSecondIsToldItIsStarting_ThenAttaches()
    {
        var probe = new RunProbe();
        var log = new BothLookFirstLog(new InMemorySseTopicLog(Microsoft.Extensions.Options.Options.Create(new SseHubOptions())));
        await using var host = await SseTestHost.StartAsync(
            builder => builder.Services.AddSingleton(probe).AddScoped<IRunFeed, RunFeed>().AddSingleton<Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog>(log).AddSseHub(),
            static app => app.MapRunFeed());
        var id = RunIds.New();
        using var http = RunIds.ClientProposing(id, host.Address);
        var refusals = new System.Collections.Concurrent.ConcurrentBag<string?>();
        var options = new SseClientOptions { OnDisconnected = context => refusals.Add((context.Exception as SseHttpException)?.ProblemDetail) };
        using var cts = new CancellationTokenSource(Timeout);

        var first = new RunFeedClient(http, options).StartCount(new CountRequest(20, 20));
        var second = new RunFeedClient(http, options).StartCount(new CountRequest(20, 20));
        var readFirst = ReadAllAsync(first, cts.Token);
        var readSecond = ReadAllAsync(second, cts.Token);
        Assert.Equal(Enumerable.Range(0, 20), await readFirst);
        Assert.Equal(Enumerable.Range(0, 20), await readSecond);
        Assert.Equal(id, first.Id);
        Assert.Equal(id, second.Id);
        var refusal = Assert.Single(refusals);
        Assert.Contains("is starting", refusal, StringComparison.Ordinal);
        Assert.Equal(1, probe.Finished);
        Assert.Equal(probe.Starts - 1, probe.CancelledByToken);
    }

    /// <summary>Holds the first two looks for a run (a read of its first event) until both are made, then answers both as of then.</summary>
    private sealed class BothLookFirstLog(Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog inner) : Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog
    {
        private readonly TaskCompletionSource _bothLooked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _looks;

        public ValueTask<Sse.Runtime.AspNetCore.TopicLogs.SseTopicPosition> AppendAsync(string topic, Sse.Runtime.AspNetCore.TopicLogs.SseTopicEventContent content, CancellationToken cancellationToken) => inner.AppendAsync(topic, content, cancellationToken);

        public ValueTask<Sse.Runtime.AspNetCore.TopicLogs.SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken) => inner.GetHeadAsync(topic, cancellationToken);

        public async ValueTask<Sse.Runtime.AspNetCore.TopicLogs.SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken)
        {
            if (topic.StartsWith("sse/runs/", StringComparison.Ordinal) && afterPosition == 0 && maxCount == 1 && Interlocked.Increment(ref _looks) <= 2)
            {
                var read = await inner.ReadAsync(topic, afterPosition, maxCount, cancellationToken);
                if (Volatile.Read(ref _looks) >= 2)
                {
                    _bothLooked.TrySetResult();
                }

                await _bothLooked.Task.WaitAsync(cancellationToken);
                return read;
            }

            return await inner.ReadAsync(topic, afterPosition, maxCount, cancellationToken);
        }

        public ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<Sse.Runtime.AspNetCore.TopicLogs.SseTopicPosition> onAppended, CancellationToken cancellationToken) => inner.WatchAsync(topic, onAppended, cancellationToken);
    }

    /// <summary>Sends the first POST on, then drops its answer as a cut connection would; records the id each start proposed.</summary>
    private sealed class LoseFirstAnswer : DelegatingHandler
    {
        public List<string?> Starts { get; } = [];

        public int Lost { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                Starts.Add(request.Headers.TryGetValues("Sse-Run-Id", out var ids) ? ids.Single() : null);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && Lost == 0)
            {
                Lost++;
                response.Dispose();
                throw new HttpRequestException("The connection was reset before the response arrived.", new System.IO.IOException("Connection reset by peer"));
            }

            return response;
        }
    }

    /// <summary>
    /// The log keeps some of a run's appends but answers them as failed (a database that committed, then dropped the
    /// connection), and is unreachable for the check after: the run looks in the log before it appends again, so every
    /// client gets each item once, in order. Without the check the retried appends would be duplicates.
    /// </summary>
    [Fact]
    public async Task AppendsKeptButAnsweredAsFailed_AreNotWrittenTwice()
    {
        var probe = new RunProbe();
        var log = new AmbiguousAppendLog(new InMemorySseTopicLog(Microsoft.Extensions.Options.Options.Create(new SseHubOptions())));
        await using var host = await SseTestHost.StartAsync(
            builder => builder.Services.AddSingleton(probe).AddScoped<IRunFeed, RunFeed>().AddSingleton<Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog>(log).AddSseHub(),
            static app => app.MapRunFeed());
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(60, 1));
        Assert.Equal(Enumerable.Range(0, 60), await ReadAllAsync(run, cts.Token));
        Assert.Equal(Enumerable.Range(0, 60), await ReadAllAsync(client.AttachCount(run.Id!), cts.Token));
        Assert.True(log.Ambiguous >= 5, $"Only {log.Ambiguous} appends were answered as failed.");
        Assert.Equal(1, probe.Starts);
    }

    /// <summary>Keeps every 7th append of a run's items but throws as if it had not; the read after it fails once too.</summary>
    private sealed class AmbiguousAppendLog(Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog inner) : Sse.Runtime.AspNetCore.TopicLogs.ISseTopicLog
    {
        private int _appends;
        private int _failNextRead;

        public int Ambiguous { get; private set; }

        public async ValueTask<Sse.Runtime.AspNetCore.TopicLogs.SseTopicPosition> AppendAsync(string topic, Sse.Runtime.AspNetCore.TopicLogs.SseTopicEventContent content, CancellationToken cancellationToken)
        {
            var position = await inner.AppendAsync(topic, content, cancellationToken);
            if (content.EventType is null && topic.StartsWith("sse/runs/", StringComparison.Ordinal) && Interlocked.Increment(ref _appends) % 7 == 0)
            {
                Ambiguous++;
                Volatile.Write(ref _failNextRead, 1);
                throw new SseTopicLogUnavailableException("The connection dropped after the commit.");
            }

            return position;
        }

        public ValueTask<Sse.Runtime.AspNetCore.TopicLogs.SseTopicHead> GetHeadAsync(string topic, CancellationToken cancellationToken) => inner.GetHeadAsync(topic, cancellationToken);

        public ValueTask<Sse.Runtime.AspNetCore.TopicLogs.SseTopicRead> ReadAsync(string topic, long afterPosition, int maxCount, CancellationToken cancellationToken) =>
            maxCount == 1 && Interlocked.Exchange(ref _failNextRead, 0) == 1
                ? throw new SseTopicLogUnavailableException("Still away.")
                : inner.ReadAsync(topic, afterPosition, maxCount, cancellationToken);

        public ValueTask<IAsyncDisposable> WatchAsync(string topic, Action<Sse.Runtime.AspNetCore.TopicLogs.SseTopicPosition> onAppended, CancellationToken cancellationToken) => inner.WatchAsync(topic, onAppended, cancellationToken);
    }

    [Fact]
    public async Task RunPastItsLifetime_IsCancelled_AndEndsWithTheErrorEvent()
    {
        var probe = new RunProbe();
        await using var host = await StartAsync(probe, hub: static o => o.RunLifetime = TimeSpan.FromMilliseconds(500));
        using var http = host.CreateHttpClient();
        var client = new RunFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var run = client.StartCount(new CountRequest(10_000, 10));
        var failed = await Assert.ThrowsAsync<SseStreamFailedException>(() => ReadAllAsync(run, cts.Token));
        Assert.Contains("lifetime", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(1, probe.Cancelled);
    }
}

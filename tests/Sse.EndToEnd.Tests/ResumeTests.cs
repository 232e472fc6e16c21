using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// Streams that survive the network: the generated client against real Kestrel through a fault-injecting proxy, a
/// restarted server, scripted refusals, and the resume signals. Each consumer must see exactly the sent sequence.
/// </summary>
public sealed class ResumeTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Fast reconnects: the tests are about what arrives, not about waiting.</summary>
    private static SseClientOptions FastReconnects(SseClientOptions options)
    {
        options.InitialReconnectDelay = TimeSpan.FromMilliseconds(10);
        options.MaxReconnectDelay = TimeSpan.FromMilliseconds(100);
        return options;
    }

    public static TheoryData<string, int> ProxyCases() => new()
    {
        { "generated-http1", 1 },
        { "generated-http2", 2 },
        { "crlf-http1", 1 },
    };

    [Theory]
    [MemberData(nameof(ProxyCases))]
    public async Task FiftyCutsAtAwkwardPoints_TenThousandEvents_NoGapNoDuplicate(string endpoint, int httpVersion)
    {
        const int Events = 10_000;
        const int Cuts = 50;
        const int Seed = 20261126;
        var random = new Random(Seed);
        SseCutPoint[] kinds = endpoint.StartsWith("crlf", StringComparison.Ordinal)
            ? [SseCutPoint.Anywhere, SseCutPoint.MidFrame, SseCutPoint.MidUtf8, SseCutPoint.BetweenCrAndLf]
            : [SseCutPoint.Anywhere, SseCutPoint.MidFrame, SseCutPoint.MidUtf8, SseCutPoint.AtLineEnd];
        var plans = Enumerable.Range(0, Cuts).Select(i => SseFault.CutAfterBytes(random.Next(50, 16_000), kinds[i % kinds.Length])).ToArray();
        output.WriteLine($"seed {Seed}; cut plans: {string.Join(", ", plans.Select(static p => p.Description))}");

        await using var host = httpVersion == 2 ? await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), http2: true) : null;
        var target = httpVersion == 2 ? host!.Http2Address! : server.BaseAddress;
        await using var proxy = new SseFaultProxy(target, r => r.Index < Cuts ? plans[r.Index] : null, httpVersion == 2 ? string.Empty : "text");
        var reconnects = 0;
        var options = FastReconnects(new SseClientOptions { OnReconnecting = _ => Interlocked.Increment(ref reconnects) });
        using var http = new HttpClient(new SocketsHttpHandler())
        {
            BaseAddress = proxy.Address,
            DefaultRequestVersion = httpVersion == 2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var stream = endpoint.StartsWith("crlf", StringComparison.Ordinal)
            ? new ResumeScriptedFeedClient(http, options).CrlfText(Events)
            : new ResumeFeedClient(http, options).Text(Events);

        var stopwatch = Stopwatch.StartNew();
        var expected = 0L;
        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var item in stream.WithCancellation(cts.Token))
        {
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), item.EventId);
            Assert.Equal(Numbered.TextOf(expected), item.Data);
            Assert.Equal("text", item.EventType);
            expected++;
        }

        Assert.Equal(Events, expected);
        Assert.Equal(Cuts, proxy.Cuts);
        Assert.True(reconnects >= Cuts, $"{reconnects} reconnects for {Cuts} cuts");
        output.WriteLine($"{endpoint}: {Events} events, {proxy.Cuts} cuts, {reconnects} reconnects, {proxy.Requests.Count} connections, {stopwatch.ElapsedMilliseconds} ms");
        Console.WriteLine($"Resume proof ({endpoint}): {Events} events, {proxy.Cuts} cuts, {reconnects} reconnects, {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task NonResumableStreamCut_FailsWithConnectionLost_NeverRestartsSilently()
    {
        await using var proxy = new SseFaultProxy(server.BaseAddress, static r => r.Index == 0 ? SseFault.CutAfterBytes(600, SseCutPoint.MidFrame) : null, "/resume/once");
        using var http = new HttpClient { BaseAddress = proxy.Address };
        var resumeProbe = server.ResumeProbe;
        var before = resumeProbe.Count("once");
        var items = new List<Numbered>();

        var ex = await Assert.ThrowsAsync<SseConnectionLostException>(async () =>
        {
            await foreach (var item in new ResumeFeedClient(http, FastReconnects(new SseClientOptions())).Once(1000).WithCancellation(new CancellationTokenSource(Timeout).Token))
            {
                items.Add(item);
            }
        });

        Assert.Equal(Enumerable.Range(0, items.Count).Select(static i => Numbered.Of(i)), items);
        Assert.Equal(items.Count, ex.EventCount);
        Assert.Equal("ResumeFeed.Once", ex.StreamName);
        Assert.Equal(1, resumeProbe.Count("once") - before);
    }

    [Fact]
    public async Task ServerStoppedAndStartedOnTheSamePort_ClientResumesAfterIt()
    {
        var resumeProbe = new ResumeProbe();
        await using var server = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), resumeProbe: resumeProbe);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new ResumeFeedClient(http, FastReconnects(new SseClientOptions { MaxReconnectDelay = TimeSpan.FromMilliseconds(200) }));
        var received = new List<Numbered>();
        Task? restarted = null;

        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var item in client.Sequence(60, delayMs: 20).WithCancellation(cts.Token))
        {
            received.Add(item);
            if (item.Seq == 20)
            {
                // Stop the server mid-stream (connections refused meanwhile) and start it again on the same port a little later.
                await server.Host.StopServerAsync();
                restarted = Task.Run(async () =>
                {
                    await Task.Delay(500);
                    await server.Host.StartServerAsync();
                });
            }
        }

        Assert.Equal(Enumerable.Range(0, 60).Select(static i => Numbered.Of(i)), received);
        var resumedAfter = resumeProbe.Requests.Where(static r => r.Stream == "sequence").Select(static r => r.LastEventId).Last();
        Assert.True(long.Parse(resumedAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 20, $"resumed after {resumedAfter}");
        await restarted!;
    }

    [Fact]
    public async Task ClientErrorOnReconnect_StopsForGood()
    {
        var scenario = "gone-" + Guid.NewGuid().ToString("N");
        var items = new List<Numbered>();

        var ex = await Assert.ThrowsAsync<SseHttpException>(async () =>
        {
            await foreach (var item in ScriptedClient().Scripted(scenario))
            {
                items.Add(item);
            }
        });

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("This stream is gone.", ex.ProblemDetail);
        Assert.Equal([Numbered.Of(0)], items);
        Assert.Equal(2, server.ResumeProbe.Count(scenario));
    }

    [Fact]
    public async Task ServiceUnavailableWithRetryAfter_WaitsAtLeastThatLong()
    {
        var scenario = "busy-" + Guid.NewGuid().ToString("N");
        var delays = new ConcurrentQueue<TimeSpan>();

        var items = await Streams.ToListAsync(ScriptedClient(o => o.OnReconnecting = c => delays.Enqueue(c.Delay)).Scripted(scenario));

        Assert.Equal([Numbered.Of(0), Numbered.Of(1)], items);
        var requests = server.ResumeProbe.Requests.Where(r => r.Stream == scenario).ToList();
        Assert.Equal([null, "0", "0"], requests.Select(static r => r.LastEventId));
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromSeconds(0.99), $"Waited {(requests[2].At - requests[1].At).TotalMilliseconds} ms after Retry-After: 1.");
        Assert.True(delays.Last() >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task CallerCancellationDuringTheBackoffDelay_EndsAtOnce()
    {
        var scenario = "slow-" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        var waiting = new TaskCompletionSource();
        var client = ScriptedClient(o =>
        {
            o.InitialReconnectDelay = TimeSpan.FromHours(1);
            o.MaxReconnectDelay = TimeSpan.FromHours(1);
            o.OnReconnecting = _ => waiting.TrySetResult();
        });
        var reading = Streams.ToListAsync(client.Scripted(scenario, cancellationToken: cts.Token));
        await waiting.Task.WaitAsync(Timeout);
        await Task.Delay(100);

        await cts.CancelAsync();

        // The backoff is an hour: a read that did not end with the cancellation would meet the wait's timeout instead.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Timeout));
        Assert.Equal(1, server.ResumeProbe.Count(scenario));
    }

    [Fact]
    public async Task LastEventIdOfTheWrongType_AnsweredWithTheResetEvent_Never500()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/resume/sequence?count=3");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "oops");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("event: sse-reset\ndata: {\"title\":\"Cannot resume\",\"detail\":\"it is not a valid long.\",\"lastEventId\":\"oops\"}\n\n", body);
    }

    [Fact]
    public async Task LastEventIdFromTheQueryString_Resumes()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var body = await http.GetStringAsync(new Uri("/resume/sequence?count=3&lastEventId=0", UriKind.Relative));

        Assert.StartsWith("event: numbered\nid: 1\n", body, StringComparison.Ordinal);
        Assert.Contains("id: 2\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("id: 0\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplementationRejectsTheId_ClientGetsResumeRejected()
    {
        var ex = await Assert.ThrowsAsync<SseResumeRejectedException>(() => Streams.ToListAsync(server.ResumeClient.Sequence(3, lastEventId: 99)));

        Assert.Equal("99", ex.LastEventId);
        Assert.Equal("This sequence has only 3 events.", ex.Reason);
    }

    [Fact]
    public async Task GuidIds_ResumeAfterTheOneGiven()
    {
        var items = await Streams.ToListAsync(server.ResumeClient.Versions(lastEventId: ResumeFeed.VersionIds[0]));

        Assert.Equal([new Versioned(ResumeFeed.VersionIds[1], 1), new Versioned(ResumeFeed.VersionIds[2], 2)], items);
    }

    [Fact]
    public async Task RegisteredClient_SendsANonAsciiLastEventIdOnReconnect()
    {
        // The server's ids are text chosen by the implementation; the registration sends them back as UTF-8.
        var services = new ServiceCollection();
        services.AddResumeScriptedFeedClient(http => http.BaseAddress = server.BaseAddress, FastReconnects2);
        await using var provider = services.BuildServiceProvider();
        var scenario = "utf8-" + Guid.NewGuid().ToString("N");

        var items = await Streams.ToListAsync(provider.GetRequiredService<IResumeScriptedFeed>().Scripted(scenario, lastEventId: null));

        Assert.Equal([Numbered.Of(0), Numbered.Of(1)], items);
        Assert.Equal([null, "ü-€-🚀"], server.ResumeProbe.Requests.Where(r => r.Stream == scenario).Select(static r => r.LastEventId));
    }

    [Fact]
    public async Task HandlersRunOnEveryReconnect_ARefreshedTokenIsUsed()
    {
        await using var proxy = new SseFaultProxy(server.BaseAddress, static r => r.Index < 2 ? SseFault.CutAfterBytes(2_000 * (r.Index + 1)) : null, "/resume/sequence");
        var services = new ServiceCollection();
        var tokens = 0;
        services.AddResumeFeedClient(http => http.BaseAddress = proxy.Address, FastReconnects2)
            .AddHttpMessageHandler(() => new TokenHandler(() => "token-" + Interlocked.Increment(ref tokens)));
        await using var provider = services.BuildServiceProvider();
        var before = server.ResumeProbe.Requests.Count;

        var items = await Streams.ToListAsync(provider.GetRequiredService<IResumeFeed>().Sequence(200));

        Assert.Equal(Enumerable.Range(0, 200).Select(static i => Numbered.Of(i)), items);
        var authorizations = server.ResumeProbe.Requests.Skip(before).Where(static r => r.Stream == "sequence").Select(static r => r.Authorization).ToList();
        Assert.Equal(["Bearer token-1", "Bearer token-2", "Bearer token-3"], authorizations);
    }

    [Fact]
    public async Task StandardResilienceHandler_DoesNotCutAHealthyStream_NorRetryItBlindly()
    {
        var services = new ServiceCollection();
        services.AddResumeFeedClient(http => http.BaseAddress = server.BaseAddress)
            .AddStandardResilienceHandler(o =>
            {
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(1);
                o.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(500);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2);
            });
        await using var provider = services.BuildServiceProvider();
        var feed = provider.GetRequiredService<IResumeFeed>();

        // 30 events 100 ms apart: three times the handler's total timeout.
        var stopwatch = Stopwatch.StartNew();
        var items = await Streams.ToListAsync(feed.Once(30, delayMs: 100));
        Assert.Equal(30, items.Count);
        Assert.True(stopwatch.Elapsed > TimeSpan.FromSeconds(2), $"The stream took only {stopwatch.ElapsedMilliseconds} ms.");

        // A non-resumable stream whose connection is cut: the handler does not resend it, the client fails it.
        await using var proxy = new SseFaultProxy(server.BaseAddress, static _ => SseFault.CutAfterBytes(800), "/resume/once");
        var cutServices = new ServiceCollection();
        cutServices.AddResumeFeedClient(http => http.BaseAddress = proxy.Address).AddStandardResilienceHandler();
        await using var cutProvider = cutServices.BuildServiceProvider();
        var before = server.ResumeProbe.Count("once");
        await Assert.ThrowsAsync<SseConnectionLostException>(() => Streams.ToListAsync(cutProvider.GetRequiredService<IResumeFeed>().Once(100, delayMs: 5)));
        Assert.Equal(1, server.ResumeProbe.Count("once") - before);
    }

    [Fact]
    public async Task HttpClientTimeout_BoundsConnectingOnly_NotTheStream()
    {
        var services = new ServiceCollection();
        services.AddResumeFeedClient(http =>
        {
            http.BaseAddress = server.BaseAddress;
            http.Timeout = TimeSpan.FromMilliseconds(500);
        });
        await using var provider = services.BuildServiceProvider();

        // 20 events 100 ms apart: four times the HttpClient's timeout.
        var items = await Streams.ToListAsync(provider.GetRequiredService<IResumeFeed>().Once(20, delayMs: 100));

        Assert.Equal(Enumerable.Range(0, 20).Select(static i => Numbered.Of(i)), items);
    }

    [Fact]
    public async Task ConnectAsync_ReturnsOnceTheServerAccepted_BeforeTheFirstItem()
    {
        var before = server.ResumeProbe.Count("once");
        var stream = server.ResumeClient.Once(2, delayMs: 300);

        await using var subscription = await stream.ConnectAsync();
        Assert.Equal(1, server.ResumeProbe.Count("once") - before);

        var items = new List<Numbered>();
        await foreach (var item in subscription)
        {
            items.Add(item);
        }

        Assert.Equal([Numbered.Of(0), Numbered.Of(1)], items);
    }

    private static void FastReconnects2(SseClientOptions options) => FastReconnects(options);

    private ResumeScriptedFeedClient ScriptedClient(Action<SseClientOptions>? configure = null)
    {
        var options = FastReconnects(new SseClientOptions());
        configure?.Invoke(options);
        return new ResumeScriptedFeedClient(new HttpClient { BaseAddress = server.BaseAddress }, options);
    }

    private sealed class TokenHandler(Func<string> nextToken) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", nextToken());
            return base.SendAsync(request, cancellationToken);
        }
    }
}

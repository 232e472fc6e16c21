using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Sse.Runtime;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>The generated client reading the generated endpoints over real Kestrel on 127.0.0.1.</summary>
public sealed class EndToEndTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = Streams.Timeout;

    [Fact]
    public async Task RouteAndQueryValues_Arrive()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 30, 15, 123, TimeSpan.FromHours(-5));
        var tenant = Guid.NewGuid();
        var local = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        var echoes = await Streams.ToListAsync(server.Client.Echo(42, "a/b c/ü?#&", text: "x & y = z?#/ü 🚀", mood: Mood.Excited, at: at, tenant: tenant, flag: true, local: local, ratio: 0.1));

        var echo = Assert.Single(echoes);
        Assert.Equal(new Echo(42, "x & y = z?#/ü 🚀", Mood.Excited, at, tenant, true, local, 0.1, "a/b c/ü?#&"), echo);
        Assert.Equal(DateTimeKind.Utc, echo.Local!.Value.Kind);
    }

    [Fact]
    public async Task OmittedOptionalValues_GetTheirDefaults()
    {
        var echo = Assert.Single(await Streams.ToListAsync(server.Client.Echo(-1, "p")));

        Assert.Equal(new Echo(-1, null, Mood.Calm, null, null, false, null, 1.5, "p"), echo);
    }

    [Fact]
    public async Task TenThousandEvents_ArriveInOrderAndIntact()
    {
        const int Count = 10_000;
        var expected = 0L;
        await foreach (var item in server.Client.Count(Count).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            Assert.Equal(expected, item.Seq);
            Assert.Equal(TestFeed.Payload(expected), item.Payload);
            expected++;
        }

        Assert.Equal(Count, expected);
    }

    [Fact]
    public async Task TextItems_ArriveAsTextWithLineBreaksAsLf()
    {
        var tokens = await Streams.ToListAsync(server.Client.Tokens("héllo wörld"));

        Assert.Equal(TestFeed.Tokenize("héllo wörld").Select(static t => t.Replace("\r\n", "\n", StringComparison.Ordinal)), tokens);
    }

    [Fact]
    public async Task TextItems_OnTheWire_OneDataLinePerLine()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var body = await http.GetStringAsync(new Uri("/e2e/tokens?prompt=hi", UriKind.Relative));

        Assert.Equal("data: Echo\n\ndata: : \n\ndata: hi\n\ndata: \ndata: \n\ndata: line two\ndata: line three\n\ndata: \n\ndata: data: not a field\n\nevent: sse-end\ndata: \n\n", body);
    }

    [Fact]
    public async Task SseItems_CarryEventTypeIdAndRetry()
    {
        var items = await Streams.ToListAsync(server.Client.Items(4));

        Assert.Equal(["even", "odd", "even", "odd"], items.Select(static i => i.EventType));
        Assert.Equal(["item-0", "item-1", "item-2", "item-3"], items.Select(static i => i.EventId));
        Assert.Equal([0L, 1, 2, 3], items.Select(static i => i.Data.Seq));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), items[0].ReconnectionInterval);
    }

    [Fact]
    public async Task BadQueryValue_ClientThrowsWithStatusAndProblemDetails()
    {
        var ex = await Assert.ThrowsAsync<SseHttpException>(() => Streams.ToListAsync(server.SkewedClient.Count("ten")));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("application/problem+json", ex.ContentType);
        Assert.Contains("\"status\":400", ex.Body, StringComparison.Ordinal);
        Assert.Equal("The value 'ten' is not valid for query string parameter 'n' (int).", ex.ProblemDetail);
        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'n'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRequiredQueryValue_Answers400NamingTheParameter()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync(new Uri("/e2e/count", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The required query string parameter 'n' was not provided.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownEnumName_Answers400()
    {
        var ex = await Assert.ThrowsAsync<SseHttpException>(() => Streams.ToListAsync(server.SkewedClient.Echo(1, "p", mood: "Grumpy")));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("The value 'Grumpy' is not valid for query string parameter 'mood' (Mood).", ex.ProblemDetail);
    }

    [Fact]
    public async Task ClientBreaksOut_ServerIteratorFinallyRuns()
    {
        await AssertServerStopsWhenClientLeaves(async feed =>
        {
            var received = 0;
            await foreach (var item in feed.Endless())
            {
                if (++received == 3)
                {
                    break;
                }
            }
        });
    }

    [Fact]
    public async Task ClientCancels_ServerIteratorFinallyRuns()
    {
        await AssertServerStopsWhenClientLeaves(async feed =>
        {
            using var cts = new CancellationTokenSource();
            var received = 0;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var item in feed.Endless(cts.Token))
                {
                    if (++received == 3)
                    {
                        cts.Cancel();
                    }
                }
            });
        });
    }

    [Fact]
    public async Task FailureBeforeFirstItem_Answers500AndLogsTheEndpoint()
    {
        var ex = await Assert.ThrowsAsync<SseHttpException>(() => Streams.ToListAsync(server.Client.Fail(after: 0)));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("TestFeed.Fail", ex.ProblemDetail, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, static e => e.Level == LogLevel.Error && e.Message.Contains("TestFeed.Fail", StringComparison.Ordinal) && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task FailureAfterItems_ClientSeesAnErrorNotANormalEnd()
    {
        var received = new List<Counted>();
        var ex = await Assert.ThrowsAsync<SseStreamFailedException>(async () =>
        {
            await foreach (var item in server.Client.Fail(after: 3).WithCancellation(new CancellationTokenSource(Timeout).Token))
            {
                received.Add(item);
            }
        });

        Assert.Equal("The stream 'TestFeed.Fail' failed after 3 events.", ex.Detail);
        Assert.Equal([0L, 1, 2], received.Select(static c => c.Seq));
        Assert.Contains(server.Logs.Entries, static e => e.Level == LogLevel.Error && e.Message.Contains("TestFeed.Fail", StringComparison.Ordinal) && e.Message.Contains("after 3 events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotAnEventStream_ThrowsContentTypeException()
    {
        var ex = await Assert.ThrowsAsync<SseContentTypeException>(() => Streams.ToListAsync(server.SkewedClient.NotAStream()));

        Assert.Equal("application/json", ex.ContentType);
        Assert.Contains("not 'text/event-stream'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PayloadNotMatchingTheType_ThrowsPayloadExceptionWithEventAndId()
    {
        var ex = await Assert.ThrowsAsync<SsePayloadException>(() => Streams.ToListAsync(server.SkewedClient.WrongPayload()));

        Assert.Equal("counted", ex.EventType);
        Assert.Equal("7", ex.EventId);
        Assert.Contains("not a number", ex.Excerpt, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    /// <summary>
    /// The server's iterator (an endless stream) has its <c>finally</c> run once the client left: nothing else ends it,
    /// so it either ends because the request was aborted or runs past the generous wait.
    /// </summary>
    private async Task AssertServerStopsWhenClientLeaves(Func<ITestFeed, Task> consume)
    {
        server.Probe.Reset();
        await consume(server.Client).WaitAsync(Timeout);

        await server.Probe.Started.WaitAsync(Timeout);
        await server.Probe.Finished.WaitAsync(Timeout);
    }

}

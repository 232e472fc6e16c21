using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Sse.Runtime;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>POST bodies, headers, arrays, Last-Event-ID and polymorphic events, generated client to generated endpoint.</summary>
public sealed class ContractSurfaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = Streams.Timeout;

    [Fact]
    public async Task PostBodyAndHeaders_Arrive()
    {
        var trace = Guid.NewGuid();

        var items = await Streams.ToListAsync(server.MarketClient.Complete(new Prompt("the quick brown fox", MaxTokens: 3), trace, tenant: "acme"));

        Assert.Equal(["the", "quick", "brown", $"trace={trace}", "tenant=acme"], items.Select(static i => i.Data.Text));
        Assert.Equal(["token", "token", "token", "meta", "meta"], items.Select(static i => i.EventType));
        Assert.Equal("2", items[2].EventId);
    }

    [Fact]
    public async Task OmittedHeaders_AreAbsent()
    {
        var items = await Streams.ToListAsync(server.MarketClient.Complete(new Prompt("a", 5)));

        Assert.Equal(["a", "trace=none", "tenant=none"], items.Select(static i => i.Data.Text));
    }

    [Fact]
    public async Task QueryArrays_TravelAsRepeatedKeys()
    {
        var times = new[] { new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 2, 2, 0, 0, 0, DateTimeKind.Utc) };

        var echo = Assert.Single(await Streams.ToListAsync(server.MarketClient.Arrays([3, 1, 2], [Mood.Excited, Mood.Calm], ["a b", "c&d", ""], times)));

        Assert.Equal([3, 1, 2], echo.Levels);
        Assert.Equal([Mood.Excited, Mood.Calm], echo.Moods);
        Assert.Equal(["a b", "c&d", ""], echo.Tags);
        Assert.Equal(times, echo.Times);

        var empty = Assert.Single(await Streams.ToListAsync(server.MarketClient.Arrays()));
        Assert.Empty(empty.Levels);
    }

    [Fact]
    public async Task BadArrayElement_Answers400NamingTheValue()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync(new Uri("/market/arrays?levels=1&levels=x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The value 'x' is not valid for query string parameter 'levels' (int[]?).", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyThatIsNotJson_Answers415()
    {
        // The endpoint's accepts metadata (which OpenAPI reads) lets ASP.NET Core routing refuse it, as for minimal APIs.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var content = new StringContent("{\"Text\":\"a\",\"MaxTokens\":1}", Encoding.UTF8, "text/plain");
        using var response = await http.PostAsync(new Uri("/market/complete", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json", "{\"Text\":", HttpStatusCode.BadRequest, "not valid JSON for parameter 'prompt'")]
    [InlineData("application/json", "", HttpStatusCode.BadRequest, "request body for parameter 'prompt' is required")]
    [InlineData("application/json", "null", HttpStatusCode.BadRequest, "but it was null")]
    [InlineData("application/json", "{\"MaxTokens\":1}", HttpStatusCode.BadRequest, "'Text'")]
    [InlineData("application/json", "{\"Text\":null,\"MaxTokens\":1}", HttpStatusCode.BadRequest, "'Text'")]
    public async Task BadBody_AnsweredWithProblemDetails(string contentType, string body, HttpStatusCode status, string detail)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await http.PostAsync(new Uri("/market/complete", UriKind.Relative), content);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolymorphicEvents_EachDerivedTypeUnderItsNameWithItsId()
    {
        var events = await Streams.ToListAsync(server.MarketClient.Events(8));

        Assert.Equal(
            [typeof(Trade), typeof(Quote), typeof(Halt), typeof(HaltEnded), typeof(Trade), typeof(Quote), typeof(Halt), typeof(HaltEnded)],
            events.Select(static e => e.GetType()));
        Assert.Equal(new Trade(4, 104m, 10), events[4]);
        Assert.Equal(new HaltEnded(3, "resumed"), events[3]);

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var wire = await http.GetStringAsync(new Uri("/market/events?count=4", UriKind.Relative));
        Assert.Equal(
            "event: trade\nid: 0\ndata: {\"Price\":100,\"Quantity\":10,\"Seq\":0}\n\n" +
            "event: quote\nid: 1\ndata: {\"Bid\":99.5,\"Ask\":100.5,\"Seq\":1}\n\n" +
            "event: halt\nid: 2\ndata: {\"Reason\":\"volatility\",\"Seq\":2}\n\n" +
            "event: halt-ended\nid: 3\ndata: {\"Reason\":\"resumed\",\"Seq\":3}\n\n" +
            "event: sse-end\ndata: \n\n",
            wire);
    }

    [Fact]
    public async Task LastEventId_ResumesAfterIt()
    {
        var events = await Streams.ToListAsync(server.MarketClient.Events(3, lastEventId: "41"));

        Assert.Equal([42L, 43, 44], events.Select(static e => e.Seq));
    }

    [Fact]
    public async Task UnknownEventNames_SkippedAndLogged()
    {
        var trades = await Streams.ToListAsync(server.OldMarketClient.Events(8));

        Assert.Equal([new OldTrade(0, 100m), new OldTrade(4, 104m)], trades);
        var skipped = server.ClientLogs.Entries.Where(static e => e.Category == "Sse.Runtime.SseClient" && e.Level == LogLevel.Information).Select(static e => e.Message).ToList();
        Assert.Contains("Skipped event 'quote' (last event id '1'): the contract has no OldMarketEvent for that event name.", skipped);
        Assert.Contains(skipped, static m => m.StartsWith("Skipped event 'halt-ended' (last event id '7')", StringComparison.Ordinal));
    }

}

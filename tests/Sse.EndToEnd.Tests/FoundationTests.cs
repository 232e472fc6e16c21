using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>Values and responses that are legal but unusual: each arrives exactly, or fails with a cause that names it.</summary>
public sealed class FoundationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task OptionalRouteValue_String_NullLeavesThePartOut()
    {
        Assert.Equal([new Arrived("route", null)], await Streams.ToListAsync(server.EdgeClient.OptionalText()));
        Assert.Equal([new Arrived("route", null)], await Streams.ToListAsync(server.EdgeClient.OptionalText(string.Empty)));
        Assert.Equal([new Arrived("route", "a/b ü")], await Streams.ToListAsync(server.EdgeClient.OptionalText("a/b ü")));
    }

    [Fact]
    public async Task OptionalRouteValue_Number_NullLeavesThePartOut()
    {
        Assert.Equal([new Arrived("route", null)], await Streams.ToListAsync(server.EdgeClient.OptionalNumber()));
        Assert.Equal([new Arrived("route", "-7")], await Streams.ToListAsync(server.EdgeClient.OptionalNumber(-7)));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a%2Fb")]
    [InlineData("a%252Fb")]
    [InlineData("100%")]
    [InlineData("%")]
    [InlineData("a+b")]
    [InlineData("a b  c")]
    [InlineData("ü€🚀 日本")]
    [InlineData("?x=1&y=#frag")]
    [InlineData("a\\b;c,d'e\"f")]
    public async Task StringValues_RoundTripExactly_OverRouteQueryAndHeader(string value)
    {
        var rest = value + "/" + value + "/end";

        var arrived = await Streams.ToListAsync(server.EdgeClient.RoundTrip(value, rest, value, value));

        Assert.Equal(
            [new Arrived("segment", value), new Arrived("rest", rest), new Arrived("query", value), new Arrived("header", value)],
            arrived);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void DotSegmentRouteValue_RefusedWithTheWayOut(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => server.EdgeClient.RoundTrip(value, "b", "c", "d"));
        Assert.Contains("'segment'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("query string", ex.Message, StringComparison.Ordinal);

        var catchAll = Assert.Throws<ArgumentException>(() => server.EdgeClient.RoundTrip("a", "x/" + value + "/y", "c", "d"));
        Assert.Contains("'rest'", catchAll.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    public void HeaderValue_ThatCannotArriveIntact_RefusedNamingTheHeader(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => server.EdgeClient.RoundTrip("a", "b", "c", value));

        Assert.Contains("'X-Value'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/event-stream;")]
    [InlineData("Text/Event-Stream; charset=utf-8")]
    [InlineData("text/event-stream ; charset=\"utf-8\"")]
    public async Task ContentType_AnyFormOfTheMediaType_IsAStream(string contentType)
    {
        var items = await Streams.ToListAsync(server.SkewedClient.Response(200, contentType));

        Assert.Equal([new Counted(1, "p")], items);
    }

    [Fact]
    public async Task Status204_EndsTheStreamWithNoItems()
    {
        Assert.Empty(await Streams.ToListAsync(server.SkewedClient.Response(204)));
    }

    [Theory]
    [InlineData(202)]
    [InlineData(206)]
    [InlineData(299)]
    public async Task OtherSuccessStatus_IsNotAStream(int status)
    {
        var ex = await Assert.ThrowsAsync<SseHttpException>(() => Streams.ToListAsync(server.SkewedClient.Response(status, "text/event-stream")));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
    }

    [Fact]
    public async Task EmptyEventIdProperty_FailsTheStreamAfterTheGoodEvents()
    {
        var items = new System.Collections.Generic.List<Keyed>();
        var ex = await Assert.ThrowsAsync<SseStreamFailedException>(async () =>
        {
            await foreach (var item in server.EdgeClient.EmptyId(2))
            {
                items.Add(item);
            }
        });

        Assert.Equal([new Keyed("k0", 0), new Keyed("k1", 1)], items);
        Assert.Contains("EdgeFeed.EmptyId", ex.Detail, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, static e => e.Level == LogLevel.Error && e.Exception is SseFieldException { Field: "id" } field && field.Message.Contains("[SseEventId]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReservedEventNameFromSseItem_FailsTheStream()
    {
        var items = new System.Collections.Generic.List<Keyed>();
        await Assert.ThrowsAsync<SseStreamFailedException>(async () =>
        {
            await foreach (var item in server.EdgeClient.ReservedName())
            {
                items.Add(item.Data);
            }
        });

        Assert.Equal([new Keyed("a", 1)], items);
        Assert.Contains(server.Logs.Entries, static e => e.Exception is SseFieldException { Field: "event", Value: "sse-error" });
    }

    [Fact]
    public void MappingAContractWithoutItsImplementation_FailsAtStartupNamingTheRegistration()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        var ex = Assert.Throws<SseServiceNotRegisteredException>(() => app.MapEdgeFeed());

        Assert.Contains("MapEdgeFeed()", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Sse.EndToEnd.Tests.IEdgeFeed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddScoped<IEdgeFeed, ", ex.Message, StringComparison.Ordinal);
    }
}

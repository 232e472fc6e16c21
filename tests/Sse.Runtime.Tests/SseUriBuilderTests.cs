using System;
using System.Globalization;
using System.Net.Http;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

public enum Side { Buy, Sell }

public class SseUriBuilderTests
{
    [Fact]
    public void Values_FormattedInvariantAndEscaped()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // decimal comma must not leak into URIs
        try
        {
            var uri = new SseUriBuilder("/a/");
            uri.AppendPathValue("x y/z", "name");
            uri.AppendLiteral("/");
            uri.AppendPathValue(1.5);
            uri.AppendQuery("d", 2.25m);
            uri.AppendQuery("b", true);
            uri.AppendQuery("nb", (bool?)null);
            uri.AppendQuery("e", Side.Sell);
            uri.AppendQuery("dt", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
            uri.AppendQuery("dto", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));
            uri.AppendQuery("day", new DateOnly(2026, 1, 2));
            uri.AppendQuery("n", (int?)null);
            uri.AppendQuery("s", "a&b=c#d");
            uri.AppendQuery("empty", string.Empty);
            uri.AppendQuery("none", (string?)null);

            Assert.Equal(
                "/a/x%20y%2Fz/1.5?d=2.25&b=true&e=Sell&dt=2026-01-02T03%3A04%3A05.0000000Z&dto=2026-01-02T03%3A04%3A05.0000000%2B02%3A00&day=2026-01-02&s=a%26b%3Dc%23d&empty=",
                uri.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void CatchAll_KeepsSlashesEscapesSegments()
    {
        var uri = new SseUriBuilder("/files/");
        uri.AppendCatchAllValue("a b/c?d/ü", "path");

        Assert.Equal("/files/a%20b/c%3Fd/%C3%BC", uri.ToString());
    }

    [Fact]
    public void EmptyRouteValue_ThrowsNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SseUriBuilder("/a/").AppendPathValue("", "symbol"));

        Assert.Equal("symbol", ex.ParamName);
    }

    [Fact]
    public void PathAfterQuery_Throws()
    {
        var uri = new SseUriBuilder("/a");
        uri.AppendQuery("q", 1);

        Assert.Throws<InvalidOperationException>(() => uri.AppendLiteral("/b"));
    }

    [Theory]
    [InlineData("http://host", "http://host/stocks/x")]
    [InlineData("http://host/", "http://host/stocks/x")]
    [InlineData("http://host/api", "http://host/api/stocks/x")]
    [InlineData("http://host/api/", "http://host/api/stocks/x")]
    [InlineData("http://host/api/?key=1", "http://host/api/stocks/x")]
    public void Request_KeepsTheBaseAddressPath(string baseAddress, string expected)
    {
        using var message = new SseRequest("Test.X", HttpMethod.Get, "/stocks/x", resumable: false).CreateMessage(new Uri(baseAddress), lastEventId: null);

        Assert.Equal(expected, message.RequestUri!.ToString());
        Assert.Equal("text/event-stream", Assert.Single(message.Headers.Accept).MediaType);
    }

    [Fact]
    public void Request_NoBaseAddress_SaysHowToSetIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new SseRequest("Test.X", HttpMethod.Get, "/x", resumable: false).CreateMessage((Uri?)null, lastEventId: null));

        Assert.Contains("BaseAddress", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_LastEventIdAndHeaders_Sent()
    {
        var request = new SseRequest("Test.X", HttpMethod.Get, "/x", resumable: true);
        request.AddHeader("X-Tenant", "t1");
        request.AddHeader("X-Absent", (string?)null);
        using var message = request.CreateMessage(new Uri("http://host"), lastEventId: "42");

        Assert.Equal(["42"], message.Headers.GetValues("Last-Event-ID"));
        Assert.Equal(["t1"], message.Headers.GetValues("X-Tenant"));
        Assert.False(message.Headers.Contains("X-Absent"));
    }

    [Fact]
    public void Request_AsksBrowsersForAStreamingResponse()
    {
        // Blazor WebAssembly's handler buffers the whole response unless asked; elsewhere the option is ignored.
        using var message = new SseRequest("Test.X", HttpMethod.Get, "/x", resumable: false).CreateMessage(new Uri("http://host"), lastEventId: null);

        Assert.True(message.Options.TryGetValue(new HttpRequestOptionsKey<bool>("WebAssemblyEnableStreamingResponse"), out var streaming) && streaming);
    }
}

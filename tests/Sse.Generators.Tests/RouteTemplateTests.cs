using System.Linq;
using Sse.Generators.Parsing;
using Xunit;

namespace Sse.Generators.Tests;

public class RouteTemplateTests
{
    [Theory]
    [InlineData("", "", "/")]
    [InlineData("/stocks", "/prices/{symbol}", "/stocks/prices/{symbol}")]
    [InlineData("stocks/", "prices", "/stocks/prices")]
    [InlineData("/", "/", "/")]
    [InlineData("", "/a", "/a")]
    public void Combine_JoinsWithOneSlash(string prefix, string route, string expected) =>
        Assert.Equal(expected, RouteTemplate.Combine(prefix, route));

    [Fact]
    public void TryParse_SplitsLiteralsAndParameters()
    {
        Assert.True(RouteTemplate.TryParse("/a/{id:int}/{name?}/x{{y}}/{**rest}", out var parts, out var error));
        Assert.Null(error);
        Assert.Equal(["/a/", "id", "/", "name", "/x{y}/", "rest"], parts.Select(static p => p.Text));
        Assert.True(parts[3].IsOptional);
        Assert.True(parts[5].IsCatchAll);
        Assert.False(parts[1].IsOptional);
    }

    [Theory]
    [InlineData("/a/{id", "not closed")]
    [InlineData("/a/id}", "closes no parameter")]
    [InlineData("/a/{}", "no name")]
    [InlineData("/{a}/{A}", "twice")]
    public void TryParse_Malformed_SaysWhy(string template, string reason)
    {
        Assert.False(RouteTemplate.TryParse(template, out _, out var error));
        Assert.Contains(reason, error, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Prices", "prices")]
    [InlineData("GetPrices", "get-prices")]
    [InlineData("GetHTTPStatus", "get-http-status")]
    [InlineData("Top10Items", "top10-items")]
    public void KebabCase_DefaultRoute(string method, string expected) =>
        Assert.Equal(expected, Sse.Generators.Common.Naming.KebabCase(method));
}

using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Sse.Tests;
using Xunit;

namespace Sse.Samples.Tests;

/// <summary>samples/StockTicker as its README lines run it: the server, its live chart page and the console client.</summary>
[Collection(SamplesCollection.Name)]
[Trait("Category", "Samples")]
public sealed class StockTickerTests
{
    private const string Server = "samples/StockTicker/StockTicker.Server";
    private const string Client = "samples/StockTicker/StockTicker.Client";

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task Page_ChartsEverySymbol_ThenOneSymbol()
    {
        await using var server = await AppProcess.StartServerAsync(Server, "--TickInterval", "100");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 620 } });

        await page.GotoAsync(server.Address.ToString());
        await page.WaitForFunctionAsync(
            "() => document.querySelectorAll('#prices tr').length === 4 && [...document.querySelectorAll('#prices .ticks')].every(td => +td.textContent >= 20)",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(["MSFT", "AAPL", "NVDA", "AMZN"], await page.Locator("#prices th").AllInnerTextsAsync());
        Assert.Equal("live: all symbols", await page.InnerTextAsync("#status"));
        Assert.True(await ChartHasLinesAsync(page));
        await Chromium.ScreenshotAsync(page, "stockticker-all");

        // One symbol: the page resubscribes to that symbol's topic and shows only it.
        await page.SelectOptionAsync("#symbol", "NVDA");
        await page.WaitForFunctionAsync(
            "() => document.querySelectorAll('#prices tr').length === 1 && +document.querySelector('#prices .ticks').textContent >= 20",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(["NVDA"], await page.Locator("#prices th").AllInnerTextsAsync());
        Assert.Equal("live: NVDA", await page.InnerTextAsync("#status"));
        Assert.EndsWith("?symbol=NVDA", page.Url, StringComparison.Ordinal);

        // Ids come from the hub, increasing: the page's EventSource can resume after a lost connection.
        var price = decimal.Parse(await page.InnerTextAsync("#prices .price"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(price, 1m, 10_000m);
        await Chromium.ScreenshotAsync(page, "stockticker-nvda");
    }

    [Fact]
    public async Task ConsoleClient_PrintsTicksOfOneSymbol_AndOfAll()
    {
        await using var server = await AppProcess.StartServerAsync(Server, "--TickInterval", "50");

        await using var one = AppProcess.Start(Client, server.Address.ToString(), "aapl", "5");
        Assert.Equal(0, await one.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = one.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("symbols: MSFT, AAPL, NVDA, AMZN", lines);
        var ticks = lines.Where(static l => l.Contains(" AAPL ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, ticks.Count);
        Assert.DoesNotContain(lines, static l => l.Contains("MSFT ", StringComparison.Ordinal) && !l.StartsWith("symbols", StringComparison.Ordinal));

        await using var all = AppProcess.Start(Client, server.Address.ToString(), "all", "12");
        Assert.Equal(0, await all.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var symbols = all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(static l => !l.StartsWith("symbols", StringComparison.Ordinal))
            .Select(static l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .ToList();
        Assert.Equal(12, symbols.Count);
        Assert.Equal(["AAPL", "AMZN", "MSFT", "NVDA"], symbols.Distinct().Order());
    }

    [Fact]
    public async Task Server_ServesItsOpenApiDocument_WithTheStreamsAsEventStreams()
    {
        await using var server = await AppProcess.StartServerAsync(Server);
        using var http = new System.Net.Http.HttpClient { BaseAddress = server.Address };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = document.RootElement.GetProperty("paths");

        var prices = paths.GetProperty("/stocks/prices/{symbol}").GetProperty("get");
        Assert.Equal("StockFeed.Prices", prices.GetProperty("operationId").GetString());
        Assert.True(prices.GetProperty("x-sse-resumable").GetBoolean());
        var events = prices.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/event-stream").GetProperty("x-itemSchema");
        Assert.Equal("#/components/schemas/StockFeed.Prices.Event", events.GetProperty("$ref").GetString());

        var market = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("StockFeed.Market.Event");
        Assert.Equal(["trade", "quote"], market.GetProperty("oneOf").EnumerateArray().Select(static e => e.GetProperty("properties").GetProperty("event").GetProperty("const").GetString()).Order().Reverse());
        Assert.Equal("array", paths.GetProperty("/stocks/symbols").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task ConsoleClient_UnknownSymbol_SaysWhichSymbolsThereAre()
    {
        await using var server = await AppProcess.StartServerAsync(Server);
        await using var client = AppProcess.Start(Client, server.Address.ToString(), "XYZ", "1");
        Assert.Equal(2, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Unknown symbol 'XYZ'; the server publishes MSFT, AAPL, NVDA, AMZN.", client.Output, StringComparison.Ordinal);
    }

    private static async Task<bool> ChartHasLinesAsync(IPage page)
    {
        // Some pixels of the canvas are drawn (the lines), not all blank.
        var painted = await page.EvaluateAsync<int>(
            "() => { const c = document.getElementById('chart'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }");
        return painted > 1000;
    }
}

using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Sse.Tests;
using Sse.Testing;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>The browser's own EventSource, in headless Chromium, reading our endpoints.</summary>
[Trait("Category", "Browser")]
public sealed class BrowserTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task EventSource_ReceivesTypedMessagesNamedEventsAndIds()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(server.BaseAddress, "/browser").ToString());
        await page.WaitForFunctionAsync(
            "() => results.messages.length === 1 && results.named.length === 4 && results.heartbeatStream.length === 2",
            null,
            new PageWaitForFunctionOptions { Timeout = 30_000 });
        using var results = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(results)"));
        var root = results.RootElement;

        var message = root.GetProperty("messages")[0];
        Assert.Equal(5, message.GetProperty("data").GetProperty("Id").GetInt32());
        Assert.Equal("hi there", message.GetProperty("data").GetProperty("Text").GetString());
        Assert.Equal("a b", message.GetProperty("data").GetProperty("Path").GetString());
        Assert.Equal(1, message.GetProperty("data").GetProperty("Mood").GetInt32());
        Assert.Equal(string.Empty, message.GetProperty("id").GetString());

        var named = root.GetProperty("named");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(i % 2 == 0 ? "even" : "odd", named[i].GetProperty("type").GetString());
            Assert.Equal($"item-{i}", named[i].GetProperty("id").GetString());
            Assert.Equal(i, named[i].GetProperty("data").GetProperty("Seq").GetInt64());
            Assert.Equal(TestFeed.Payload(i), named[i].GetProperty("data").GetProperty("Payload").GetString());
        }

        var slow = root.GetProperty("heartbeatStream");
        Assert.Equal("0", slow[0].GetProperty("id").GetString());
        Assert.Equal("1", slow[1].GetProperty("id").GetString());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
    }

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task EventSource_ResumesAfterCutConnections_AndStopsOnTheEndEvent()
    {
        // Three cuts of the stream's connections, at different depths; the page itself loads uncut.
        await using var proxy = new SseFaultProxy(server.BaseAddress, static r => r.Index < 3 ? SseFault.CutAfterBytes(1_500 + (r.Index * 2_500), SseCutPoint.MidFrame) : null, "sequence-items");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(proxy.Address, "/resume-page").ToString());
        await page.WaitForFunctionAsync("() => results.ended", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        using var results = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(results)"));
        var root = results.RootElement;

        var seqs = root.GetProperty("seqs").EnumerateArray().Select(static e => e.GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(static i => (long)i), seqs);
        Assert.Equal(3, proxy.Cuts);
        Assert.Equal(4, root.GetProperty("opens").GetInt32());
        Assert.Equal("299", root.GetProperty("ids")[299].GetString());

        // After the end event the page closed the source: no further connection is made.
        await Task.Delay(500);
        Assert.Equal(4, proxy.Requests.Count);
    }
}

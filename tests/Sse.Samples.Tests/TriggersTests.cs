using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Sse.Tests;
using Xunit;

namespace Sse.Samples.Tests;

/// <summary>samples/Triggers: /send, /left and /right reach every open page and every stream, and the timer ticks.</summary>
[Collection(SamplesCollection.Name)]
[Trait("Category", "Samples")]
public sealed class TriggersTests
{
    private const string Project = "samples/Triggers";

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task EveryTrigger_ReachesEveryPage()
    {
        await using var server = await AppProcess.StartServerAsync(Project, "--TickSeconds", "0.2");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var first = await OpenAsync(browser, server.Address);
        var second = await OpenAsync(browser, server.Address);

        // The buttons on one page, and curl-style requests from outside, move both pages.
        await first.ClickAsync("#right");
        await first.ClickAsync("#right");
        await WaitAsync(second, "() => document.getElementById('position').textContent === '2'");
        await second.ClickAsync("#left");
        await WaitAsync(first, "() => document.getElementById('position').textContent === '1'");

        await first.FillAsync("#text", "hello from the first page");
        await first.ClickAsync("#send");
        using var http = new HttpClient { BaseAddress = server.Address };
        using var sent = await http.PostAsJsonAsync("/send", new { text = "hello from curl" });
        sent.EnsureSuccessStatusCode();
        using var delivery = JsonDocument.Parse(await sent.Content.ReadAsStringAsync());
        Assert.Equal(2, delivery.RootElement.GetProperty("subscribers").GetInt32());

        foreach (var page in new[] { first, second })
        {
            await WaitAsync(page, "() => [...document.querySelectorAll('#log li')].some(li => li.textContent.endsWith('send: hello from the first page'))");
            await WaitAsync(page, "() => [...document.querySelectorAll('#log li')].some(li => li.textContent.endsWith('send: hello from curl'))");
            await WaitAsync(page, "() => +document.getElementById('clock').textContent >= 3");
            Assert.Equal("live", await page.InnerTextAsync("#status"));
        }

        await Chromium.ScreenshotAsync(first, "triggers");
    }

    [Fact]
    public async Task Triggers_ReachEveryStream_InOrder_AndBadInputIsRefused()
    {
        await using var server = await AppProcess.StartServerAsync(Project, "--TickSeconds", "3600");
        using var http = new HttpClient { BaseAddress = server.Address };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Three raw streams, as curl -N would read them.
        var streams = new System.Collections.Generic.List<System.IO.StreamReader>();
        for (var i = 0; i < 3; i++)
        {
            var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            streams.Add(new System.IO.StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)));
        }

        (await http.PostAsync("/left", null, timeout.Token)).EnsureSuccessStatusCode();
        (await http.PostAsync("/right", null, timeout.Token)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("/send", new { text = "all of you" }, timeout.Token)).EnsureSuccessStatusCode();

        foreach (var stream in streams)
        {
            Assert.Equal(["left", "right", "send"], [await NextEventAsync(stream, timeout.Token), await NextEventAsync(stream, timeout.Token), await NextEventAsync(stream, timeout.Token)]);
            stream.Dispose();
        }

        using var empty = await http.PostAsJsonAsync("/send", new { text = "" }, timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("The text has 1 to 200 characters.", await empty.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        using var notJson = await http.PostAsync("/send", new StringContent("hello", System.Text.Encoding.UTF8, "application/json"), timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    private static async Task<string> NextEventAsync(System.IO.StreamReader stream, CancellationToken cancellationToken)
    {
        while (await stream.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                return line["event: ".Length..];
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, Uri server)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 900, Height = 600 } });
        await page.GotoAsync(server.ToString());
        await WaitAsync(page, "() => document.getElementById('status').textContent === 'live'");
        return page;
    }

    private static async Task WaitAsync(IPage page, string condition)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        }
        catch (TimeoutException ex)
        {
            // What the page showed, so a failure on a loaded machine says where the stream stood.
            var state = await page.EvaluateAsync<string>("() => `status: ${document.getElementById('status')?.textContent}; position: ${document.getElementById('position')?.textContent}; clock: ${document.getElementById('clock')?.textContent}; log: ${[...document.querySelectorAll('#log li')].map(li => li.textContent).join(' | ')}`");
            throw new TimeoutException($"{condition} never held in 30 s. The page: {state}", ex);
        }
    }
}

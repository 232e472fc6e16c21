using System;
using System.Collections.Generic;
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

/// <summary>samples/Completions: an LLM-style token stream started by a POST, from the page, the console and curl.</summary>
[Collection(SamplesCollection.Name)]
[Trait("Category", "Samples")]
public sealed class CompletionsTests
{
    private const string Project = "samples/Completions";

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task Page_StreamsTheAnswer_StopsIt_AndShowsRefusals()
    {
        await using var server = await AppProcess.StartServerAsync(Project, "--TokenDelayMs", "20");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 900, Height = 600 } });
        await page.GotoAsync(server.Address.ToString());

        // The POST starts the stream; the tokens build the answer, then "done" says how it ended.
        await page.ClickAsync("#send");
        await WaitAsync(page, "() => document.getElementById('status').textContent.startsWith('done:')");
        Assert.StartsWith("You asked: \"Why stream tokens with server-sent events?\". This answer arrives one token at a time", await page.InnerTextAsync("#answer"), StringComparison.Ordinal);
        Assert.Matches(@"^done: \d+ tokens, stop$", await page.InnerTextAsync("#status"));
        await Chromium.ScreenshotAsync(page, "completions");

        // Stop aborts the fetch: the server's stream ends (its token fires), the page says so.
        await page.ClickAsync("#send");
        await WaitAsync(page, "() => document.getElementById('answer').textContent.length > 20");
        await page.ClickAsync("#stop");
        await WaitAsync(page, "() => document.getElementById('status').textContent === 'stopped'");

        // A request the server refuses: its problem detail, typed by the client, on the page.
        await page.FillAsync("#max", "0");
        await page.ClickAsync("#send");
        await WaitAsync(page, "() => document.getElementById('status').textContent === 'failed'");
        Assert.Equal("maxTokens is between 1 and 500.", await page.InnerTextAsync("#error"));
    }

    [Fact]
    public async Task ConsoleMode_AsksWithTheGeneratedClient_AndPrintsTheTokensAsTheyCome()
    {
        await using var ask = AppProcess.Start(Project, "--ask", "Why SSE?", "--TokenDelayMs", "1");
        Assert.Equal(0, await ask.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("> Why SSE?", ask.Output, StringComparison.Ordinal);
        Assert.Contains("You asked: \"Why SSE?\". This answer arrives one token at a time", ask.Output, StringComparison.Ordinal);
        Assert.Matches(@"\[done: \d+ tokens, stop\]", ask.Output);
    }

    [Fact]
    public async Task Curl_PostStartsTheStream_MaxTokensCutsIt_BadPromptsAreRefused()
    {
        await using var server = await AppProcess.StartServerAsync(Project, "--TokenDelayMs", "0");
        using var http = new HttpClient { BaseAddress = server.Address };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/complete") { Content = JsonContent.Create(new { text = "Hi", maxTokens = 3 }) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string Event, JsonElement Data)>();
        using (var reader = new System.IO.StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)))
        {
            string? name = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is "token" or "done")
                {
                    events.Add((name!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                }
            }
        }

        Assert.Equal(["token", "token", "token", "done"], events.ConvertAll(static e => e.Event));
        Assert.Equal("You", events[0].Data.GetProperty("text").GetString());
        Assert.Equal(" asked:", events[1].Data.GetProperty("text").GetString());
        Assert.Equal(3, events[3].Data.GetProperty("tokens").GetInt32());
        Assert.Equal("length", events[3].Data.GetProperty("finishReason").GetString());

        using var empty = await http.PostAsJsonAsync("/api/complete", new { text = "  " }, timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("The prompt has 1 to 2000 characters.", await empty.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        using var notJson = await http.PostAsync("/api/complete", new StringContent("hello", System.Text.Encoding.UTF8, "application/json"), timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    private static async Task WaitAsync(IPage page, string condition) =>
        await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
}

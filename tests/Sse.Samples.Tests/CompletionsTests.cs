using System;
using System.Collections.Generic;
using System.Linq;
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
public sealed class CompletionsTests(Xunit.Abstractions.ITestOutputHelper output)
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

    /// <summary>
    /// A run outlives the page: reloaded mid-answer, the page attaches to its run and shows the whole answer, each token
    /// once and in order; the same address in a second tab shows the same run; Stop in one tab stops it in both.
    /// </summary>
    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task Page_ReloadedMidAnswer_Continues_ASecondTabShowsTheRun_StopEndsItForBoth()
    {
        await using var server = await AppProcess.StartServerAsync(Project, "--TokenDelayMs", "40");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());

        // The answer of an undisturbed run, to compare with.
        await page.ClickAsync("#send");
        await WaitAsync(page, "() => document.getElementById('status').textContent.startsWith('done:')");
        var whole = await page.InnerTextAsync("#answer");

        // Again, and a reload a few tokens in: the page attaches to the same run (its id in the address) and ends
        // with the same answer, every token once, in order.
        await page.ClickAsync("#send");
        await WaitAsync(page, "() => Number(document.getElementById('answer').dataset.tokens ?? 0) >= 5");
        var runId = (await page.InnerTextAsync("#run")).Replace("run ", string.Empty, StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", runId);
        Assert.EndsWith("#run=" + runId, page.Url, StringComparison.Ordinal);
        var before = int.Parse(await page.GetAttributeAsync("#answer", "data-tokens") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await page.ReloadAsync();
        await WaitAsync(page, "() => document.getElementById('status').textContent.startsWith('done:')");
        Assert.Equal(whole, await page.InnerTextAsync("#answer"));
        Assert.Equal(string.Empty, await page.InnerTextAsync("#error"));
        Assert.Equal("run " + runId, await page.InnerTextAsync("#run"));
        var tokens = int.Parse(await page.GetAttributeAsync("#answer", "data-tokens") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"done: {tokens} tokens, stop", await page.InnerTextAsync("#status"));
        output.WriteLine($"run {runId}: reloaded after {before} tokens; the reloaded page showed tokens 0..{tokens - 1} in order (each checked by index), the same answer as an undisturbed run");

        // A new run, and its address in a second tab: both show it; Stop in the first ends it in both.
        await page.ClickAsync("#send");
        await WaitAsync(page, "() => Number(document.getElementById('answer').dataset.tokens ?? 0) >= 3");
        var second = await context.NewPageAsync();
        await second.GotoAsync(page.Url);
        await WaitAsync(second, "() => Number(document.getElementById('answer').dataset.tokens ?? 0) >= 6");
        Assert.StartsWith(await Prefix(page, 3), await second.InnerTextAsync("#answer"), StringComparison.Ordinal);
        await page.ClickAsync("#stop");
        await WaitAsync(page, "() => document.getElementById('status').textContent === 'stopped'");
        await WaitAsync(second, "() => document.getElementById('status').textContent === 'stopped'");
        var stoppedAt = await page.InnerTextAsync("#answer");
        Assert.True(stoppedAt.Length < whole.Length, "Stop did not stop the run.");
        Assert.StartsWith(await second.InnerTextAsync("#answer"), whole, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await second.InnerTextAsync("#error"));
        await Chromium.ScreenshotAsync(second, "completions-run");

        static async Task<string> Prefix(IPage page, int tokens) =>
            await page.EvaluateAsync<string>($"() => Array.from(document.getElementById('answer').textContent.matchAll(/\\s*\\S+/g)).slice(0, {tokens}).map(m => m[0]).join('')");
    }

    /// <summary>
    /// The console mode through a proxy that cuts its connections: it re-attaches to its run by the run's id with the
    /// last event id (GETs, never a second POST), and prints the whole answer, each token once.
    /// </summary>
    [Fact]
    public async Task ConsoleMode_ThroughCutConnections_ReattachesToItsRun_AndPrintsTheWholeAnswer()
    {
        await using var server = await AppProcess.StartServerAsync(Project, "--TokenDelayMs", "10");
        string expected;
        await using (var whole = AppProcess.Start(Project, "--ask", "Why SSE?", "--server", server.Address.ToString()))
        {
            Assert.Equal(0, await whole.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            expected = whole.Output;
        }

        await using var proxy = new Sse.Testing.SseFaultProxy(server.Address, static r => r.Index < 3 ? Sse.Testing.SseFault.CutAfterBytes(400 + (r.Index * 300), Sse.Testing.SseCutPoint.MidFrame) : null, "/api/complete");
        await using var ask = AppProcess.Start(Project, "--ask", "Why SSE?", "--server", proxy.Address.ToString());
        Assert.Equal(0, await ask.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(3, proxy.Cuts);
        var requests = proxy.Requests;
        Assert.Equal("POST", requests[0].Method);
        Assert.All(requests.Skip(1), static r => Assert.Equal("GET", r.Method));
        Assert.All(requests.Skip(1), static r => Assert.StartsWith("/api/complete/runs/", r.Target, StringComparison.Ordinal));
        Assert.Equal(Answer(expected), Answer(ask.Output));
        Assert.Matches(@"\[done: \d+ tokens, stop\]", ask.Output);
        Assert.Contains("[re-attaching after ", ask.Output, StringComparison.Ordinal);

        // The printed answer: the prompt line and the tokens, without the run's diagnostics.
        static string Answer(string output) => string.Join('\n', output.Split('\n').Where(static l => !l.StartsWith('[') || l.StartsWith("[done", StringComparison.Ordinal)));
    }

    private static async Task WaitAsync(IPage page, string condition) =>
        await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = 30_000 });
}

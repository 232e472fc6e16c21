using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sse.Testing;
using Sse.Tests;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Deployment.Tests;

/// <summary>
/// Tab sharing in the TypeScript runtime (<c>shareAcrossTabs</c>), in headless Chromium over HTTP/1.1: three tabs read
/// one stream over one connection; the leader tab closes, another takes over and resumes from the last id, and every
/// remaining tab has the exact sequence; a follower that stops reading leaves the others alone.
/// </summary>
[Trait("Category", "Deployment")]
public sealed class TabSharingTests(ITestOutputHelper output)
{
    private readonly ConcurrentQueue<string?> _streamRequests = new();

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task ThreeTabs_OneConnection_TheLeaderCloses_AnotherResumes_ExactSequenceInEveryTab()
    {
        await using var server = await SseTestHost.StartAsync(
            static builder => builder.Services.AddDeployFeed(),
            app =>
            {
                app.Use(async (context, next) =>
                {
                    if (context.Request.Path.StartsWithSegments("/deploy/ticks"))
                    {
                        _streamRequests.Enqueue(context.Request.Headers["Last-Event-ID"].FirstOrDefault());
                    }

                    await next(context);
                });
                app.MapDeployFeed();
                app.MapGet("/tab", static () => Results.Content(Page, "text/html; charset=utf-8"));
                RuntimeScripts.Map(app);
            });
        var topic = server.Services.GetRequiredService<DeployFeedPublisher>().Ticks();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync();
        var tabs = new List<IPage>();
        for (var i = 0; i < 3; i++)
        {
            var tab = await context.NewPageAsync();
            await tab.GotoAsync(new Uri(server.ServerAddress, "/tab").ToString());
            await tab.WaitForFunctionAsync("() => window.started === true");
            tabs.Add(tab);
        }

        await WaitAsync(() => topic.SubscriberCount == 1, "the leader's connection");
        await Task.Delay(300);
        Assert.Equal(1, topic.SubscriberCount);   // three tabs, one connection
        await ProxyTests.PublishAsync(server, 0, 20);
        foreach (var tab in tabs)
        {
            await tab.WaitForFunctionAsync("() => window.seqs.length === 20");
        }

        var leaders = new List<IPage>();
        foreach (var tab in tabs)
        {
            if (await tab.EvaluateAsync<bool>("() => window.leader"))
            {
                leaders.Add(tab);
            }
        }

        var leader = Assert.Single(leaders);
        await leader.CloseAsync();
        tabs.Remove(leader);
        await ProxyTests.PublishAsync(server, 20, 10);   // while no tab leads: found by the next leader's resume
        await WaitAsync(() => topic.SubscriberCount == 1 && _streamRequests.Count == 2, "the next leader's connection");
        await ProxyTests.PublishAsync(server, 30, 10);
        foreach (var tab in tabs)
        {
            await tab.WaitForFunctionAsync("() => window.seqs.length >= 40");
        }

        await Task.Delay(300);
        foreach (var tab in tabs)
        {
            var seqs = await tab.EvaluateAsync<long[]>("() => window.seqs");
            Assert.Equal(Enumerable.Range(0, 40).Select(static i => (long)i), seqs);
            output.WriteLine($"a tab after the leader closed at 20: {string.Join(",", seqs)}");
        }

        // A follower tab stops reading (its own abort): the leader and the stream go on, that tab gets nothing more.
        var follower = tabs[0] == (await LeaderAsync(tabs)) ? tabs[1] : tabs[0];
        var stillLeading = await LeaderAsync(tabs);
        await follower.EvaluateAsync("() => window.stop()");
        await ProxyTests.PublishAsync(server, 40, 5);
        await stillLeading.WaitForFunctionAsync("() => window.seqs.length === 45");
        await Task.Delay(300);
        Assert.Equal(40, await follower.EvaluateAsync<int>("() => window.seqs.length"));
        Assert.Equal(1, topic.SubscriberCount);

        var requests = _streamRequests.ToArray();
        output.WriteLine($"stream requests: {string.Join(", ", requests.Select(static r => r ?? "none"))}; leaders now: {string.Join(", ", await Task.WhenAll(tabs.Select(static t => t.EvaluateAsync<bool>("() => window.leader"))))}");
        Assert.Equal(2, requests.Length);   // the first leader's, and its successor's resume
        Assert.Null(requests[0]);
        Assert.EndsWith("-20", requests[1], StringComparison.Ordinal);   // the 20th event's id (positions start at 1)
    }

    private static async Task<IPage> LeaderAsync(List<IPage> tabs)
    {
        foreach (var tab in tabs)
        {
            if (await tab.EvaluateAsync<bool>("() => window.leader"))
            {
                return tab;
            }
        }

        throw new InvalidOperationException("No tab leads.");
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            Assert.True(waited < 30_000, "Timed out waiting for " + what + ".");
            await Task.Delay(20);
        }
    }

    /// <summary>A tab reading the ticks with tab sharing on; it records what it got and whether it leads.</summary>
    private const string Page = """
        <!doctype html>
        <meta charset="utf-8">
        <title>tab</title>
        <script type="module">
          import { readItems, json } from "/sse-client/index.js";
          window.seqs = [];
          window.leader = false;
          const request = { name: "DeployFeed.Ticks", method: "GET", path: "/deploy/ticks", resumable: true };
          const options = { shareAcrossTabs: true, initialReconnectDelayMs: 50, onConnected: () => { window.leader = true; } };
          const reading = new AbortController();
          window.stop = () => reading.abort(new Error("this tab stopped reading"));
          (async () => {
            try {
              for await (const item of readItems(location.origin, request, json(), options, reading.signal)) {
                window.seqs.push(item.data.Seq);
              }
            } catch (error) {
              window.stopped = String(error);
            }
          })();
          window.started = true;
        </script>
        """;
}

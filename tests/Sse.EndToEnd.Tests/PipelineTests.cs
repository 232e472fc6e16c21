using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// The one server pipeline as users meet it: the three kinds of call (iterator streams, topics, commands) answer the
/// same failure the same way, streams are out of ASP.NET Core's request timeouts, and each host has its own meters.
/// </summary>
public sealed class PipelineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RequestTimeoutsWithA1sDefaultPolicy_DoNotCutStreams_ButStillApplyToOtherRequests()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(),
            services: static services => services.AddRequestTimeouts(static o => o.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(1) }),
            middleware: static app =>
            {
                app.UseRouting();
                app.UseRequestTimeouts();
                app.MapGet("/e2e/waits", static async (CancellationToken token) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), token);
                    return "done";
                });
            });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var connects = 0;
        var options = new SseClientOptions { OnConnected = _ => Interlocked.Increment(ref connects), Reconnect = false };

        // An iterator stream with an item every 300 ms: all 12 arrive, over 3.6 s, on one connection.
        var stream = new TestFeedClient(http, options);
        var items = new List<long>();
        await foreach (var item in stream.Slow(12, 300).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            items.Add(item.Seq);
        }

        Assert.Equal(Enumerable.Range(0, 12).Select(static i => (long)i), items);

        // A topic stream quiet for 3 s, then an event: still the first connection.
        var chat = new ChatFeedClient(http, options);
        await using var room = await chat.Room("timeouts").ConnectAsync();
        await using var enumerator = room.GetAsyncEnumerator();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.Services.GetRequiredService<ChatFeedPublisher>().Room("timeouts").PublishAsync(new ChatMessage("p", "still here"));
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal("still here", enumerator.Current.Text);
        Assert.Equal(2, connects);

        // The policy itself still works for the application's other endpoints.
        using var timedOut = await http.GetAsync(new Uri("/e2e/waits", UriKind.Relative));
        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
    }

    [Fact]
    public async Task BadHttpRequestException_FromATopicHookAStreamAndACommand_IsTheSameProblemResponse()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), hub: static o =>
            o.AuthorizeSubscription = static c => c.Topic.EndsWith("/unknown", StringComparison.Ordinal)
                ? throw new BadHttpRequestException("There is no such thing here.", 404)
                : ValueTask.FromResult(true));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var topic = await http.GetAsync(new Uri("/chat/rooms/unknown", UriKind.Relative));
        using var stream = await http.GetAsync(new Uri("/e2e/refuse/404", UriKind.Relative));
        using var command = await http.PostAsync(new Uri("/chat/rooms/any/refuse", UriKind.Relative), null);

        var problems = new List<JsonElement>();
        foreach (var response in new[] { topic, stream, command })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            problems.Add(problem.RootElement.Clone());
        }

        foreach (var problem in problems)
        {
            Assert.Equal("The request was refused", problem.GetProperty("title").GetString());
            Assert.Equal("There is no such thing here.", problem.GetProperty("detail").GetString());
            Assert.Equal(404, problem.GetProperty("status").GetInt32());
            Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.5", problem.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task EachHost_HasItsOwnMeters_FromItsMeterFactory()
    {
        await using var first = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider());
        await using var second = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider());
        using var firstPublished = new MetricCollector<long>(first.Services.GetRequiredService<IMeterFactory>(), "Sse.Runtime.AspNetCore", "sse.server.events.published");
        using var secondPublished = new MetricCollector<long>(second.Services.GetRequiredService<IMeterFactory>(), "Sse.Runtime.AspNetCore", "sse.server.events.published");
        using var firstStreams = new MetricCollector<long>(first.Services.GetRequiredService<IMeterFactory>(), "Sse.Runtime.AspNetCore", "sse.server.streams");

        await first.Services.GetRequiredService<ChatFeedPublisher>().Room("meters").PublishAsync(new ChatMessage("p", "1"));
        await first.Services.GetRequiredService<ChatFeedPublisher>().Room("meters").PublishAsync(new ChatMessage("p", "2"));
        await second.Services.GetRequiredService<ChatFeedPublisher>().Room("meters").PublishAsync(new ChatMessage("p", "3"));
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        await foreach (var item in new TestFeedClient(http).Count(2))
        {
        }

        Assert.Equal(2, firstPublished.GetMeasurementSnapshot().Sum(static m => m.Value));
        Assert.Equal(1, secondPublished.GetMeasurementSnapshot().Sum(static m => m.Value));
        Assert.Contains(firstStreams.GetMeasurementSnapshot(), static m => m.Value == 1 && Equals(m.Tags["sse.stream"], "TestFeed.Count"));
    }

    [Fact]
    public async Task GeneratedClients_MeasureOnTheirApplicationsMeterFactory()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddTestFeedClient(static http => http.BaseAddress = new Uri("http://127.0.0.1:1"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SseClientOptions>>().Get(TestFeedClientServiceCollectionExtensions.ClientName);

        Assert.Same(provider.GetRequiredService<IMeterFactory>(), options.MeterFactory);
    }
}

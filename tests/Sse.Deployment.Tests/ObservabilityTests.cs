using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sse.Runtime;
using Sse.Testing;
using Xunit;

namespace Sse.Deployment.Tests;

/// <summary>
/// The OpenTelemetry SDK (1.20, the in-memory exporter) wired as the README says: the two lines per side see the
/// server's and the client's meters and the per-stream activities with their documented tags, and the trace context
/// flows from the client's stream to the server's activity of every connection, reconnects included.
/// </summary>
[Trait("Category", "Deployment")]
public sealed class ObservabilityTests
{
    // With logging on, ASP.NET Core makes a request activity whatever is traced, and the stream's is its child; with
    // no logger and only this library's source traced there is none, and the stream's activity takes the client's
    // traceparent itself.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenTelemetry_SeesMetersAndActivities_AndEveryReconnectIsInTheClientsTrace(bool serverLogging)
    {
        var serverSpans = new List<Activity>();
        var serverMetrics = new List<Metric>();
        await using var server = await SseTestHost.StartAsync(
            builder =>
            {
                if (!serverLogging)
                {
                    builder.Logging.ClearProviders();
                }

                builder.Services.AddDeployFeed();
                builder.Services.AddOpenTelemetry()
                    .WithTracing(tracing => tracing.AddSource("Sse.Runtime.AspNetCore").AddInMemoryExporter(serverSpans))
                    .WithMetrics(metrics => metrics.AddMeter("Sse.Runtime.AspNetCore").AddInMemoryExporter(serverMetrics));
            },
            static app => app.MapDeployFeed(),
            new() { Marker = "/deploy/ticks", Faults = static r => r.Index == 0 ? SseFault.CutAfterEvents(3) : null });

        var clientSpans = new List<Activity>();
        var clientMetrics = new List<Metric>();
        var clientServices = new ServiceCollection();
        clientServices.AddMetrics();
        clientServices.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource("Sse.Runtime").AddInMemoryExporter(clientSpans))
            .WithMetrics(metrics => metrics.AddMeter("Sse.Runtime").AddInMemoryExporter(clientMetrics));
        clientServices.AddDeployFeedClient(http => http.BaseAddress = server.Address, static options =>
        {
            options.InitialReconnectDelay = TimeSpan.FromMilliseconds(10);
            options.MaxReconnectDelay = TimeSpan.FromMilliseconds(100);
        });
        await using (var client = clientServices.BuildServiceProvider())
        {
            // The SDK starts with the host in an app; here the providers are made by resolving them.
            var tracerProvider = client.GetRequiredService<TracerProvider>();
            var meterProvider = client.GetRequiredService<MeterProvider>();
            var feed = client.GetRequiredService<IDeployFeed>();
            var recorder = new List<Tick>();
            await using (var stream = await ((DeployFeedClient)feed).Ticks().ConnectAsync())
            {
                await ProxyTests.PublishAsync(server, 0, 6);
                await foreach (var tick in stream)
                {
                    recorder.Add(tick);
                    if (recorder.Count == 6)
                    {
                        break;
                    }
                }
            }

            Assert.Equal(Enumerable.Range(0, 6).Select(static i => (long)i), recorder.Select(static t => t.Seq));
            tracerProvider.ForceFlush();
            meterProvider.ForceFlush();
        }

        // The client: one sse.stream activity for the stream, across its two connections.
        var clientStream = Assert.Single(clientSpans, static a => a.OperationName == "sse.stream");
        Assert.Equal("DeployFeed.Ticks", clientStream.GetTagItem("sse.stream"));
        Assert.Equal(1, clientStream.GetTagItem("sse.reconnects"));
        Assert.Equal(6L, clientStream.GetTagItem("sse.events"));
        Assert.Contains(clientMetrics, static m => m.Name == "sse.client.reconnects");
        Assert.Contains(clientMetrics, static m => m.Name == "sse.client.disconnects");

        // The server: one sse.stream activity per connection, each in the client's trace (the first and the resume).
        await WaitAsync(() => serverSpans.Count(static a => a.OperationName == "sse.stream") >= 2);
        var serverStreams = serverSpans.Where(static a => a.OperationName == "sse.stream").ToList();
        Assert.Equal(2, serverStreams.Count);
        Assert.All(serverStreams, s => Assert.Equal(clientStream.TraceId, s.TraceId));
        Assert.All(serverStreams, static s => Assert.Equal("DeployFeed.Ticks", s.GetTagItem("sse.stream")));
        Assert.All(serverStreams, static s => Assert.Equal("ticks", s.GetTagItem("sse.topic")));
        Assert.Null(serverStreams[0].GetTagItem("sse.last_event_id"));
        Assert.NotNull(serverStreams[1].GetTagItem("sse.last_event_id"));
        server.Services.GetRequiredService<MeterProvider>().ForceFlush();
        foreach (var name in (string[])["sse.server.streams", "sse.server.subscribers", "sse.server.events.published", "sse.server.events.delivered", "sse.server.bytes", "sse.server.replays"])
        {
            Assert.Contains(serverMetrics, m => m.Name == name);
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 10_000, "Timed out.");
            await Task.Delay(10);
        }
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// The server's meter and activities, and how long streams stay out of ASP.NET Core's request-duration metric. The
/// meters are the fixture host's own (from its IMeterFactory), so these run in parallel with every other test.
/// </summary>
public sealed class ObservabilityTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task TopicStream_IsMeasured_WithOneActivityPerStream_AndNoRequestDuration()
    {
        var room = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        using var measurements = new Measurements(server.Services.GetRequiredService<IMeterFactory>(), "Sse.Runtime.AspNetCore", "Microsoft.AspNetCore.Hosting");
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "Sse.Runtime.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using (var subscription = await server.ChatClient.Room(room).ConnectAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                await server.ChatClient.Send(room, new ChatMessage("m", $"message {i}"));
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var received = 0;
            await foreach (var _ in subscription.WithCancellation(cts.Token))
            {
                if (++received == 3)
                {
                    break;
                }
            }
        }

        await WaitForAsync(() => server.ChatPublisher.Room(room).SubscriberCount == 0 && measurements.Sum("sse.server.streams", "ChatFeed.Room") == 0 && activities.Any(a => Equals(a.GetTagItem("sse.topic"), "rooms/" + room)));

        Assert.Equal([1, -1], measurements.Values("sse.server.streams", "ChatFeed.Room"));
        Assert.Equal(3, measurements.Sum("sse.server.events.delivered", "ChatFeed.Room"));
        Assert.InRange(measurements.Sum("sse.server.bytes", "ChatFeed.Room"), 3 * 20, 3 * 200);
        Assert.True(measurements.Sum("sse.server.events.published", null) >= 3);
        Assert.Contains(1, measurements.Values("sse.server.subscribers", null));
        Assert.Contains(-1, measurements.Values("sse.server.subscribers", null));

        // One activity for the stream, not one per event.
        var streamActivity = Assert.Single(activities, a => Equals(a.GetTagItem("sse.topic"), "rooms/" + room));
        Assert.Equal("sse.stream", streamActivity.OperationName);
        Assert.Equal("ChatFeed.Room", streamActivity.GetTagItem("sse.stream"));

        // ASP.NET Core's http.server.request.duration measures the commands but not the stream, whose "duration" is
        // how long someone stayed subscribed.
        var routes = measurements.Tags("http.server.request.duration", "http.route");
        Assert.Contains("/chat/rooms/{room}/messages", routes);
        Assert.DoesNotContain("/chat/rooms/{room}", routes);
    }

    [Fact]
    public async Task IteratorStream_IsMeasured()
    {
        using var measurements = new Measurements(server.Services.GetRequiredService<IMeterFactory>(), "Sse.Runtime.AspNetCore");
        var items = new List<Counted>();
        await foreach (var item in server.Client.Items(5))
        {
            items.Add(item.Data);
        }

        await WaitForAsync(() => measurements.Sum("sse.server.streams", "TestFeed.Items") == 0 && measurements.Sum("sse.server.events.delivered", "TestFeed.Items") == 5);
        Assert.Equal(5, items.Count);
        Assert.Equal([1, -1], measurements.Values("sse.server.streams", "TestFeed.Items"));
        Assert.True(measurements.Sum("sse.server.bytes", "TestFeed.Items") > 5 * 20);
    }

    [Fact]
    public void StreamEndpoints_OptOutOfRequestDuration_CommandsDoNot()
    {
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        bool Disabled(string name) => endpoints.Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == name)
            .Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IDisableHttpMetricsMetadata>() is not null;

        Assert.True(Disabled("ChatFeed.Room"));
        Assert.True(Disabled("TestFeed.Items"));
        Assert.False(Disabled("ChatFeed.Send"));
        Assert.False(Disabled("ChatFeed.Info"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }

    /// <summary>Every measurement of the named meters of one application (made by its meter factory) while it lives.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _all = new();

        public Measurements(IMeterFactory factory, params string[] meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && meters.Contains(instrument.Meter.Name))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public List<long> Values(string instrument, string? stream) =>
            [.. Matching(instrument, stream).Select(static m => (long)m.Value)];

        public long Sum(string instrument, string? stream) => Values(instrument, stream).Sum();

        public List<string?> Tags(string instrument, string tag) =>
            [.. _all.Where(m => m.Instrument == instrument).Select(m => m.Tags.GetValueOrDefault(tag)?.ToString())];

        public void Dispose() => _listener.Dispose();

        private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Matching(string instrument, string? stream) =>
            _all.Where(m => m.Instrument == instrument && (stream is null || Equals(m.Tags.GetValueOrDefault("sse.stream"), stream)));

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _all.Enqueue((instrument.Name, value, copy));
        }
    }
}

using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Deployment.Tests;

/// <summary>
/// Streams compressed on request (<c>WithSseCompression</c>): gzip or Brotli as the client accepts, each event
/// decodable when it arrives (the first before the second is written), resumable through cuts of the compressed bytes;
/// a stream without the convention is never compressed.
/// </summary>
[Trait("Category", "Deployment")]
public sealed class CompressionTests(ITestOutputHelper output)
{
    private static Task<SseTestHost> StartAsync(bool compress, SseTestHostOptions? options = null) => SseTestHost.StartAsync(
        static builder => builder.Services.AddDeployFeed(),
        app =>
        {
            var feed = app.MapDeployFeed();
            if (compress)
            {
                feed.WithSseCompression();
            }
        },
        options);

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task CompressedStream_EachEventIsDecodableWhenItArrives(string encoding)
    {
        await using var server = await StartAsync(compress: true);
        var gate = Guid.NewGuid().ToString("N");
        await using var events = await CompressedEvents.OpenAsync(new Uri(server.ServerAddress, "/deploy/gated/" + gate), encoding);

        Assert.Equal(encoding, events.ContentEncoding);
        Assert.Contains("\"Seq\":0", await events.ReadEventAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        server.Services.GetRequiredService<Gates>().Open(gate);
        Assert.Contains("\"Seq\":1", await events.ReadEventAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task CompressedTopic_AJsonFeed_SavesBytes_AndEveryEventArrivesAsPublished(string encoding)
    {
        await using var server = await StartAsync(compress: true);
        await using var events = await CompressedEvents.OpenAsync(new Uri(server.ServerAddress, "/deploy/ticks"), encoding);
        for (var seq = 0; seq < 200; seq++)
        {
            await ProxyTests.PublishAsync(server, seq, 1);
            Assert.Contains($"\"Seq\":{seq},", await events.ReadEventAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        }

        output.WriteLine($"{encoding}: {events.CompressedBytes} bytes on the wire for {events.DecodedBytes} decoded ({100.0 * events.CompressedBytes / events.DecodedBytes:0}%), one flush per event.");
        Assert.True(events.CompressedBytes < events.DecodedBytes, $"{events.CompressedBytes} compressed bytes for {events.DecodedBytes}.");
    }

    [Fact]
    public async Task WithoutTheConvention_AStreamIsNotCompressed_WhateverTheClientAccepts()
    {
        await using var server = await StartAsync(compress: false);
        var gate = Guid.NewGuid().ToString("N");
        await using var events = await CompressedEvents.OpenAsync(new Uri(server.ServerAddress, "/deploy/gated/" + gate), "gzip");
        Assert.Equal(string.Empty, events.ContentEncoding);
        Assert.Contains("\"Seq\":0", await events.ReadEventAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DecompressionMethods.GZip)]
    [InlineData(DecompressionMethods.Brotli)]
    public async Task GeneratedClient_DecompressingThroughCutsOfTheCompressedBytes_ResumesWithoutGapOrDuplicate(DecompressionMethods method)
    {
        await using var server = await StartAsync(compress: true, new()
        {
            Marker = "/deploy/ticks",
            Faults = static r => r.Index < 3 ? SseFault.CutAtRandom(r.Random, 400, 900) : null,
        });
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = method }) { BaseAddress = server.Address };
        var recorder = new SseStreamRecorder<Tick>(context: server.Proxy.ToString);
        await using var stream = await new DeployFeedClient(http, recorder.Options).Ticks().ConnectAsync();
        var reading = recorder.RecordAsync(stream, count: 300, timeout: TimeSpan.FromSeconds(60));
        for (var seq = 0; seq < 300; seq++)
        {
            // One at a time, as a live feed: each event is flushed (and compressed) on its own, so every connection
            // carries enough compressed bytes to reach its cut (a burst compresses to almost nothing).
            await ProxyTests.PublishAsync(server, seq, 1);
            await Task.Delay(2);
        }

        await reading;

        SseAssert.NoGapNoDuplicate(recorder, static t => t.Seq, first: 0, count: 300);
        SseAssert.Reconnected(recorder, 3);
        SseAssert.EveryReconnectResumed(recorder);
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Runtime;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>Heartbeats, shutdown and HTTP/2: the life of a connection.</summary>
public sealed class LifecycleTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = Streams.Timeout;

    [Fact]
    public async Task Heartbeats_WrittenOnlyBetweenFramesWhileIdle()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var body = await http.GetStringAsync(new Uri("/hb/e2e/slow?count=2&delayMs=450", UriKind.Relative));

        var blocks = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var heartbeats = blocks.Count(static b => b == ": heartbeat");
        Assert.Equal("event: sse-end\ndata: ", blocks[^1]);
        var events = blocks.Where(static b => b != ": heartbeat").SkipLast(1).ToList();

        Assert.True(heartbeats >= 4, $"Expected heartbeats every 100 ms during 900 ms of quiet; got {heartbeats}:\n{body}");
        Assert.Equal(2, events.Count);
        Assert.All(events, static e => Assert.StartsWith("event: counted\nid: ", e, StringComparison.Ordinal));

        // Never inside a frame: every line of every event is one of its fields, none a comment.
        Assert.All(events.SelectMany(static e => e.Split('\n')), static line =>
            Assert.True(line.StartsWith("event: ", StringComparison.Ordinal) || line.StartsWith("id: ", StringComparison.Ordinal) || line.StartsWith("data: ", StringComparison.Ordinal), $"Unexpected line inside an event: '{line}'"));
    }

    [Fact]
    public async Task Heartbeats_ComeFromTheSharedTimer_OnTheAppsClock_OnlyAfterAWholeIdleInterval()
    {
        // The app's TimeProvider drives the shared heartbeat timer: a waiting stream has no timer of its own.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(static options => options.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(new StreamProbe());
        builder.Services.AddScoped<ITestFeed, TestFeed>();
        await using var app = builder.Build();
        app.MapTestFeed();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single());

        using var http = new HttpClient { BaseAddress = address };
        using var response = await http.GetAsync(new Uri("/e2e/slow?count=1&delayMs=600000", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new System.IO.StreamReader(await response.Content.ReadAsStreamAsync());

        // Less than the 15 s default interval of fake time: nothing.
        time.Advance(TimeSpan.FromSeconds(8));
        var early = reader.ReadLineAsync();
        await Task.Delay(300);
        Assert.False(early.IsCompleted, "A heartbeat came before the stream was idle for a whole interval.");

        // Past it: a heartbeat at once, in real time.
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(": heartbeat", await early.WaitAsync(Timeout));
        Assert.Equal(string.Empty, await reader.ReadLineAsync().WaitAsync(Timeout));

        // And one per interval after that.
        time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(": heartbeat", await reader.ReadLineAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Heartbeats_KeepTheClientIdleTimeoutFromFiring()
    {
        // Heartbeats every 100 ms, a 1 s idle timeout, 1.5 s between events: a margin of ten heartbeats, so a busy
        // machine's scheduling stalls cannot fake a dead connection.
        var options = new SseClientOptions { IdleTimeout = TimeSpan.FromSeconds(1) };

        // With heartbeats the gaps are fine (after one warm-up round, so JIT compilation is not what is measured) ...
        await Streams.ToListAsync(new TestFeedClient(new HttpClient { BaseAddress = new Uri(server.BaseAddress, "/hb") }).Slow(1, 250));
        var withHeartbeats = new TestFeedClient(new HttpClient { BaseAddress = new Uri(server.BaseAddress, "/hb") }, options);
        var items = await Streams.ToListAsync(withHeartbeats.Slow(3, 1500));
        Assert.Equal([0L, 1, 2], items.Select(static i => i.Seq));

        // ... without them (the default 15 s interval) the client gives the connection up; the stream cannot resume, so it fails.
        var withoutHeartbeats = new TestFeedClient(new HttpClient { BaseAddress = server.BaseAddress }, options);
        var ex = await Assert.ThrowsAsync<SseConnectionLostException>(() => Streams.ToListAsync(withoutHeartbeats.Slow(3, 1500)));
        Assert.Equal(SseDisconnectReason.IdleTimeout, ex.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.IsType<SseIdleTimeoutException>(ex.InnerException).IdleTimeout);
    }

    [Fact]
    public async Task ASlowConsumerOfABusyStream_IsNotTakenForASilentServer()
    {
        // 1,000 events written at once (about 120 KB, so a read buffer holds only part of them), a 1 s idle timeout,
        // and a consumer that spends 1.5 s on the first item: the next read finds its bytes waiting, but comes long
        // after the timeout. Only the time a read waits counts, so the connection is not given up (the stream cannot
        // resume: giving it up would fail it).
        var reconnects = 0;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new TestFeedClient(http, new SseClientOptions { IdleTimeout = TimeSpan.FromSeconds(1), OnReconnecting = _ => Interlocked.Increment(ref reconnects) });
        var seqs = new List<long>();
        using var stop = new CancellationTokenSource(Timeout);
        await foreach (var item in client.Count(1_000).WithCancellation(stop.Token))
        {
            seqs.Add(item.Seq);
            if (seqs.Count == 1)
            {
                await Task.Delay(1_500);
            }
        }

        Assert.Equal(Enumerable.Range(0, 1_000).Select(static i => (long)i), seqs);
        Assert.Equal(0, reconnects);
    }

    [Fact]
    public async Task Shutdown_TwoHundredOpenStreams_EndWithTheStoppingToken()
    {
        const int Streams = 200;
        var probe = new StreamProbe();
        // The host would wait ten minutes for requests to finish by themselves: StopAsync returning before its own token
        // fires shows the streams ended with the application's stopping token, not by the host giving up on them.
        var host = await TestServer.StartAsync(probe, new TestLoggerProvider(), services: static s => s.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var client = new TestFeedClient(http, new SseClientOptions { IdleTimeout = System.Threading.Timeout.InfiniteTimeSpan });
        var received = new int[Streams];
        var consumers = Enumerable.Range(0, Streams).Select(i => Task.Run(async () =>
        {
            await foreach (var item in client.Slow(int.MaxValue, 100))
            {
                Interlocked.Increment(ref received[i]);
            }
        })).ToList();

        var waited = Stopwatch.StartNew();
        while (probe.Open < Streams || received.Any(static r => r == 0))
        {
            Assert.True(waited.Elapsed < Timeout, $"Only {probe.Open} of {Streams} streams opened.");
            await Task.Delay(50);
        }

        using var stopLimit = new CancellationTokenSource(Timeout);
        await host.StopAsync(stopLimit.Token);

        Assert.False(stopLimit.IsCancellationRequested, $"StopAsync waited for its own timeout with {probe.Open} of {Streams} streams open.");
        Assert.Equal(0, probe.Open);

        // Every client sees its stream end instead of hanging. A shutdown is not the end of the stream (the server wrote
        // no end event), so each of these non-resumable streams fails as a lost connection, never as a normal end.
        await Task.WhenAny(Task.WhenAll(consumers), Task.Delay(Timeout));
        Assert.All(consumers, static c => Assert.True(c.IsFaulted, $"A client's stream did not fail as lost: {c.Status}"));
        Assert.All(consumers, static c => Assert.True(
            c.Exception!.InnerException is SseConnectionLostException { Reason: SseDisconnectReason.EndOfStream or SseDisconnectReason.ConnectionError },
            $"A client failed with {c.Exception.InnerException}"));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Http2_GeneratedClientStreamsAndCancels()
    {
        var probe = new StreamProbe();
        await using var host = await TestServer.StartAsync(probe, new TestLoggerProvider(), http2: true);
        var versions = new VersionRecorder(new SocketsHttpHandler());
        using var http = new HttpClient(versions)
        {
            BaseAddress = host.Http2Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var client = new TestFeedClient(http);

        var count = 0L;
        await foreach (var item in client.Count(2000).WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            Assert.Equal(count++, item.Seq);
        }

        Assert.Equal(2000, count);
        Assert.Equal(HttpVersion.Version20, Assert.Single(versions.Seen.Distinct()));

        // Leaving an HTTP/2 stream resets it; the server's iterator ends as promptly as over HTTP/1.1.
        await foreach (var item in client.Endless())
        {
            break;
        }

        // Only the reset ends the endless iterator.
        await probe.Finished.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Http2_PostBodyWithoutContentLength_IsRead()
    {
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider(), http2: true);
        using var http = new HttpClient { BaseAddress = host.Http2Address, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        // A streamed body of unknown length: over HTTP/2 it has no Content-Length and no Transfer-Encoding.
        using var content = new StreamContent(new NoLengthStream("{\"Text\":\"over h2\",\"MaxTokens\":5}"u8.ToArray()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/market/complete") { Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains("data: {\"Text\":\"over\"}", body, StringComparison.Ordinal);
        Assert.Contains("data: {\"Text\":\"h2\"}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http11_IsWhatAPlainClientUses()
    {
        var versions = new VersionRecorder(new SocketsHttpHandler());
        using var http = new HttpClient(versions) { BaseAddress = server.BaseAddress };

        Assert.Single(await Streams.ToListAsync(new TestFeedClient(http).Count(1)));
        Assert.Equal(HttpVersion.Version11, Assert.Single(versions.Seen));
    }


    /// <summary>A readable stream that does not know its length, so HttpClient cannot send a Content-Length.</summary>
    private sealed class NoLengthStream(byte[] bytes) : System.IO.MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }

    private sealed class VersionRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public System.Collections.Concurrent.ConcurrentQueue<Version> Seen { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Seen.Enqueue(response.Version);
            return response;
        }
    }
}

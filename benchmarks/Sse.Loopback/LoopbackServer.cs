using System;
using System.Collections.Concurrent;
using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Runtime.AspNetCore;

namespace Sse.Loopback;

/// <summary>
/// The server process. Single streams: the generated endpoint, <c>TypedResults.ServerSentEvents</c> over the same
/// items, and a hand-written <see cref="System.IO.Pipelines.PipeWriter"/> loop. Fan-out: the generated topic endpoint, the hand-written baseline (a bounded <see cref="Channel{T}"/> per
/// connection, broadcast by writing to each, streamed with <c>TypedResults.ServerSentEvents</c>), and a bare endpoint
/// that only holds a connection open, to tell Kestrel's cost per connection from ours.
/// </summary>
internal static class LoopbackServer
{
    public static async Task RunAsync(int port, int http2Port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            // HTTP/2 without TLS (prior knowledge): gRPC, and our streams many to a connection as behind a proxy.
            options.Listen(IPAddress.Loopback, http2Port, static listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            options.Limits.Http2.MaxStreamsPerConnection = 100_000;
            options.Limits.MaxConcurrentConnections = null;
        });
        builder.WebHost.UseSockets(static options =>
        {
            // Many subscribers connect at once (the scale run): a deeper accept queue than the default 512.
            options.Backlog = 4096;
            options.UnsafePreferInlineScheduling = Environment.GetEnvironmentVariable("LOOPBACK_INLINE") == "1";
        });

        builder.Services.AddFanOutPublisher(static hub => hub.ReplayCount = 100);
        builder.Services.AddSingleton<IStreamBench, StreamBench>();
        builder.Services.AddPeers();
        builder.Services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, LoopbackJson.Default));
        var app = builder.Build();
        var baseline = new ConcurrentDictionary<Channel<Tick>, byte>();
        var bare = 0;
        var raw = new ConcurrentDictionary<HttpContext, byte>();

        app.MapFanOut();
        // The same topic compressed (gzip or Brotli, as the subscriber asks), flushed after every event.
        app.MapGroup("/gz").MapFanOut(endpointNamePrefix: "Compressed.").WithSseCompression();
        app.MapStreamBench();
        app.MapPeers();

        // The platform's way to stream the same items, with the same ids.
        app.MapGet("/typed", static (int count, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(TypedItems(count, cancellationToken)));

        // By hand: one reused Utf8JsonWriter straight into the response pipe, flushed every 16 KiB and at the end.
        app.MapGet("/raw-stream", static async (int count, HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            var pipe = context.Response.BodyWriter;
            using var json = new System.Text.Json.Utf8JsonWriter(pipe);
            foreach (var quote in StreamBench.Quotes(count))
            {
                WriteFrame(pipe, json, quote);
                if (pipe.UnflushedBytes > 16 * 1024)
                {
                    await pipe.FlushAsync(context.RequestAborted);
                }
            }

            await pipe.FlushAsync(context.RequestAborted);
        });
        // The same bytes as /raw-stream, rendered once (a block of 16,384 quotes, repeated as often as the count
        // takes) and replayed in 64 KiB writes: a server that costs next to nothing, so that a client is measured at
        // its own rate rather than at the share of two cores it gets.
        var block = Render(ReplayBlock);
        app.MapGet("/replay/items", async (int count, HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            var pipe = context.Response.BodyWriter;
            for (var sent = 0; sent < count; sent += ReplayBlock)
            {
                var bytes = sent + ReplayBlock <= count ? block.Whole : block.Whole.AsMemory(0, block.Ends[count - sent - 1]);
                for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
                {
                    await pipe.WriteAsync(bytes.Slice(offset, Math.Min(64 * 1024, bytes.Length - offset)), context.RequestAborted);
                }
            }

            await pipe.WriteAsync("event: sse-end\ndata: \n\n"u8.ToArray(), context.RequestAborted);
        });
        app.MapGet("/baseline", (CancellationToken cancellationToken) =>
        {
            var channel = Channel.CreateBounded<Tick>(new BoundedChannelOptions(1000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
            baseline.TryAdd(channel, 0);
            cancellationToken.Register(() => baseline.TryRemove(channel, out _));
            return TypedResults.ServerSentEvents(channel.Reader.ReadAllAsync(cancellationToken));
        });
        app.MapGet("/bare", async (HttpContext context) =>
        {
            Interlocked.Increment(ref bare);
            try
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref bare);
            }
        });

        // The floor: Kestrel alone, one preformatted frame written to every response and flushed from the broadcast loop.
        app.MapGet("/raw", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            raw.TryAdd(context, 0);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            raw.TryRemove(context, out _);
        });

        // Starts a broadcast loop in the background and answers at once; the client times the deliveries.
        app.MapPost("/broadcast/{target}", (string target, int count, int intervalMs, int? perTick, FanOutPublisher publisher) =>
        {
            _ = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(intervalMs));
                var topic = publisher.Topic();
                var burst = Math.Max(1, perTick ?? 1);
                for (var seq = 0L; seq < count; seq++)
                {
                    var tick = new Tick(seq, DateTime.UtcNow.Ticks);
                    if (target == "topic")
                    {
                        await topic.PublishAsync(tick);
                    }
                    else if (target == "signalr")
                    {
                        await PeerEndpoints.BroadcastSignalRAsync(app.Services, tick);
                    }
                    else if (target == "raw")
                    {
                        var frame = System.Text.Encoding.UTF8.GetBytes($"data: {System.Text.Json.JsonSerializer.Serialize(tick, LoopbackJson.Default.Tick)}\n\n");
                        foreach (var context in raw.Keys)
                        {
                            context.Response.BodyWriter.Write(frame);
                            var flush = context.Response.BodyWriter.FlushAsync();
                            if (!flush.IsCompleted)
                            {
                                await flush;
                            }
                        }
                    }
                    else
                    {
                        foreach (var channel in baseline.Keys)
                        {
                            channel.Writer.TryWrite(tick);
                        }
                    }

                    // A high rate is bursts of events per tick (a timer cannot tick every 0.2 ms).
                    if ((seq + 1) % burst == 0)
                    {
                        await timer.WaitForNextTickAsync();
                    }
                }
            });
            return Results.Accepted();
        });

        // How many streams each endpoint holds (the baseline sends no headers before its first event, so a client
        // cannot tell it is subscribed).
        app.MapGet("/count/{target}", (string target, FanOutPublisher publisher) => target switch
        {
            "topic" => publisher.Topic().SubscriberCount,
            "baseline" => baseline.Count,
            "raw" => raw.Count,
            "signalr" => StreamHub.Connections,
            "idle" => StreamBench.IdleStreams,
            _ => Volatile.Read(ref bare),
        });

        // The process's CPU time so far, and its managed heap after a full collection.
        app.MapGet("/stats", static () =>
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            return Results.Text($"{process.TotalProcessorTime.Ticks} {heap} {process.WorkingSet64}");
        });

        // The process's GC pause time so far.
        app.MapGet("/gc", static () => Results.Text(GC.GetTotalPauseDuration().Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // Bytes allocated by the whole process so far (every thread).
        app.MapGet("/allocated", static () => Results.Text(GC.GetTotalAllocatedBytes(precise: true).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        app.MapGet("/cpu", static () =>
        {
            using var process = Process.GetCurrentProcess();
            return Results.Text(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{process.UserProcessorTime.Ticks} {process.PrivilegedProcessorTime.Ticks}"));
        });

        await app.RunAsync();
    }

    private const int ReplayBlock = 16_384;

    /// <summary>One quote's frame as the generated endpoint writes it: its id line, its data line, a blank line.</summary>
    private static void WriteFrame(IBufferWriter<byte> output, System.Text.Json.Utf8JsonWriter json, Quote quote)
    {
        var span = output.GetSpan(32);
        "id: "u8.CopyTo(span);
        System.Buffers.Text.Utf8Formatter.TryFormat(quote.Seq, span[4..], out var digits);
        "\ndata: "u8.CopyTo(span[(4 + digits)..]);
        output.Advance(4 + digits + 7);
        System.Text.Json.JsonSerializer.Serialize(json, quote, LoopbackJson.Default.Quote);
        json.Flush();
        json.Reset(output);
        output.Write("\n\n"u8);
    }

    /// <summary>The frames the generated endpoint writes for <paramref name="count"/> quotes (id and data lines), and where each ends.</summary>
    private static (byte[] Whole, int[] Ends) Render(int count)
    {
        var output = new ArrayBufferWriter<byte>(count * 64);
        var ends = new int[count];
        using var json = new System.Text.Json.Utf8JsonWriter(output);
        foreach (var quote in StreamBench.Quotes(count))
        {
            WriteFrame(output, json, quote);
            ends[quote.Seq] = output.WrittenCount;
        }

        return (output.WrittenSpan.ToArray(), ends);
    }

    private static async System.Collections.Generic.IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<Quote>> TypedItems(int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var quote in StreamBench.Quotes(count))
        {
            yield return new System.Net.ServerSentEvents.SseItem<Quote>(quote) { EventId = quote.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }
}

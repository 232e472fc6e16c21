using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.Infrastructure;

namespace Sse.Benchmarks;

/// <summary>
/// Writing 10,000 typed events with name and id: our frame writer (JSON serialized straight into the pipe with one
/// reused Utf8JsonWriter) against System.Net.ServerSentEvents' SseFormatter, which ASP.NET Core's
/// TypedResults.ServerSentEvents uses, with the same source-generated serialization.
/// </summary>
[MemoryDiagnoser]
public class WriteBenchmarks
{
    private const int Events = 10_000;
    // What the generator emits for a numeric [SseEventId]: the id is written as UTF-8, with no string.
    private static readonly SseEventFormat<Tick> Format = SseEventFormat.Json(BenchJson.Default.Tick, eventType: "tick", eventId: static (Tick t) => t.Seq);
    private readonly MemoryStream _sink = new(4 * 1024 * 1024);
    private Tick[] _ticks = [];

    [GlobalSetup]
    public void Setup()
    {
        _ticks = new Tick[Events];
        for (var i = 0; i < Events; i++)
        {
            _ticks[i] = Payloads.TickAt(i);
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<long> PlatformSseFormatter()
    {
        _sink.Position = 0;
        await SseFormatter.WriteAsync(Items(), _sink, static (item, buffer) =>
        {
            using var writer = new Utf8JsonWriter(buffer);
            JsonSerializer.Serialize(writer, item.Data, BenchJson.Default.Tick);
        });
        return _sink.Position;
    }

    [Benchmark]
    public async Task<long> SseContractsFrameWriter()
    {
        _sink.Position = 0;
        var pipe = PipeWriter.Create(_sink, new StreamPipeWriterOptions(leaveOpen: true));
        using (var writer = new SseFrameWriter(pipe, encoder: null))
        {
            foreach (var tick in _ticks)
            {
                writer.WriteEvent(Format, tick, Format.GetEventType(tick));
                if (writer.BufferedBytes > 16 * 1024)
                {
                    writer.Commit();
                    await pipe.FlushAsync();
                }
            }
        }

        await pipe.CompleteAsync();
        return _sink.Position;
    }

    private async IAsyncEnumerable<SseItem<Tick>> Items()
    {
        await Task.CompletedTask;
        foreach (var tick in _ticks)
        {
            yield return new SseItem<Tick>(tick, "tick") { EventId = tick.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }
}

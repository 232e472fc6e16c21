using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Sse.Runtime;
using Sse.Runtime.Infrastructure;

namespace Sse.Benchmarks;

/// <summary>
/// Reading 10,000 typed events: our parser (WHATWG-conformant, size and idle guards, JSON straight from its buffer)
/// against System.Net.ServerSentEvents' SseParser with the same source-generated deserialization.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private const int Events = 10_000;
    private static readonly SseEventFormat<Tick> Format = SseEventFormat.Json(BenchJson.Default.Tick, eventType: "tick");
    private static readonly SseClientOptions Options = new();
    private byte[] _stream = [];

    [Params(4096, 16384)]
    public int ReadSize { get; set; }

    [GlobalSetup]
    public void Setup() => _stream = Payloads.EventStream(Events);

    [Benchmark(Baseline = true)]
    public async Task<long> PlatformSseParser()
    {
        var sum = 0L;
        var parser = SseParser.Create(new ChunkStream(_stream, ReadSize), static (type, data) => JsonSerializer.Deserialize(data, BenchJson.Default.Tick)!);
        await foreach (var item in parser.EnumerateAsync())
        {
            sum += item.Data.Seq;
        }

        return sum;
    }

    [Benchmark]
    public async Task<long> SseContractsReader()
    {
        var sum = 0L;
        await foreach (var item in SseStreamReader.ReadEventsAsync(new ChunkStream(_stream, ReadSize), Format, Options, default))
        {
            sum += item.Data.Seq;
        }

        return sum;
    }
}

using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Sse.Runtime;
using Sse.Runtime.Infrastructure;

namespace Sse.Benchmarks;

/// <summary>
/// The path a generated client takes: HttpClient, response validation, parsing, typed items. The response comes from an
/// in-memory handler, so the figures are the client's own cost, against SseParser reading the same HttpClient response.
/// </summary>
[MemoryDiagnoser]
public class ClientReadBenchmarks
{
    private const int Events = 10_000;
    private static readonly SseEventFormat<Tick> Format = SseEventFormat.Json(BenchJson.Default.Tick, eventType: "tick");
    private HttpClient _client = null!;
    private byte[][] _payloads = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new HttpClient(new EventStreamHandler([.. Payloads.EventStream(Events), .. "event: sse-end\ndata:\n\n"u8])) { BaseAddress = new System.Uri("http://bench") };
        _payloads = new byte[Events][];
        for (var i = 0; i < Events; i++)
        {
            _payloads[i] = JsonSerializer.SerializeToUtf8Bytes(Payloads.TickAt(i), BenchJson.Default.Tick);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<long> PlatformSseParser()
    {
        var sum = 0L;
        using var response = await _client.GetAsync(new System.Uri("/ticks", System.UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        // The stream ends with our sse-end event (empty data): only the ticks are items.
        await foreach (var item in SseParser.Create(stream, static (type, data) => type == "tick" ? JsonSerializer.Deserialize(data, BenchJson.Default.Tick) : null).EnumerateAsync())
        {
            sum += item.Data?.Seq ?? 0;
        }

        return sum;
    }

    [Benchmark]
    public async Task<long> GeneratedClientPath()
    {
        var sum = 0L;
        await foreach (var tick in SseStreamReader.ReadAsync(_client, new SseRequest("Bench.Ticks", HttpMethod.Get, "/ticks", resumable: false), Format))
        {
            sum += tick.Seq;
        }

        return sum;
    }

    /// <summary>
    /// The same path with a format that skips the JSON (every event becomes one cached tick): what the client itself
    /// costs per event beyond System.Text.Json, that is the transport, the parsing and the hand-out.
    /// </summary>
    [Benchmark]
    public async Task<long> GeneratedClientPathWithoutJson()
    {
        var sum = 0L;
        await foreach (var tick in SseStreamReader.ReadAsync(_client, new SseRequest("Bench.Ticks", HttpMethod.Get, "/ticks", resumable: false), SkipJsonFormat.Instance))
        {
            sum += tick.Seq;
        }

        return sum;
    }

    /// <summary>The limit for any client: System.Text.Json deserializing the same payloads from memory (no HTTP, no parsing).</summary>
    [Benchmark]
    public long CeilingDeserializeOnly()
    {
        var sum = 0L;
        foreach (var payload in _payloads)
        {
            sum += JsonSerializer.Deserialize(payload, BenchJson.Default.Tick)!.Seq;
        }

        return sum;
    }

    /// <summary>Accepts the ticks without reading them.</summary>
    private sealed class SkipJsonFormat : SseEventFormat<Tick>
    {
        public static readonly SkipJsonFormat Instance = new();
        private static readonly Tick Cached = Payloads.TickAt(1);

        public override string? GetEventType(Tick item) => "tick";

        public override string? GetEventId(Tick item) => null;

        public override void Serialize(Utf8JsonWriter writer, Tick item) => throw new System.NotSupportedException();

        public override bool TryDeserialize(string eventType, System.ReadOnlySpan<byte> data, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tick item)
        {
            item = Cached;
            return eventType == "tick" && !data.IsEmpty;
        }
    }

    private sealed class EventStreamHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new ChunkStream(body, 4096));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}

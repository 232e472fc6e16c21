using System.Text;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Sse.Runtime;
using Sse.Runtime.Infrastructure;

namespace Sse.Benchmarks;

/// <summary>
/// One long data line arriving one byte per read: the parser keeps its line-end search position across reads, so the
/// time grows linearly with the line (4x the bytes, about 4x the time), not quadratically (16x).
/// </summary>
[MemoryDiagnoser]
public class LongLineBenchmarks
{
    private static readonly SseEventFormat<string> Format = SseEventFormat.Text(readsAnyEventType: true);
    private byte[] _stream = [];
    private SseClientOptions _options = new();

    [Params(256 * 1024, 1024 * 1024)]
    public int LineBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stream = Encoding.ASCII.GetBytes("data: " + new string('x', LineBytes) + "\n\n");
        _options = new SseClientOptions { MaxEventSize = 2 * LineBytes };
    }

    [Benchmark]
    public async Task<int> OneByteReads()
    {
        var length = 0;
        await foreach (var item in SseStreamReader.ReadEventsAsync(new ChunkStream(_stream, 1), Format, _options, default))
        {
            length += item.Data.Length;
        }

        return length;
    }
}

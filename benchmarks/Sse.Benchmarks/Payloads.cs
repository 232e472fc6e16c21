using System;
using System.IO;
using System.Text;
using System.Text.Json.Serialization;

namespace Sse.Benchmarks;

/// <summary>A typical live-feed item: a few fields, about 100 bytes of JSON.</summary>
public sealed record Tick(string Symbol, decimal Price, long Seq, DateTimeOffset At);

[JsonSerializable(typeof(Tick))]
internal sealed partial class BenchJson : JsonSerializerContext;

internal static class Payloads
{
    public static Tick TickAt(long i) => new("MSFT", 400.25m + (i % 100), i, new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(i));

    /// <summary>A stream of <paramref name="count"/> named events with ids, as our server writes it.</summary>
    public static byte[] EventStream(int count)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append("event: tick\nid: ").Append(i).Append("\ndata: ")
                .Append(System.Text.Json.JsonSerializer.Serialize(TickAt(i), BenchJson.Default.Tick)).Append("\n\n");
            if (i % 50 == 0)
            {
                builder.Append(": heartbeat\n\n");
            }
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}

/// <summary>Hands out a byte array in fixed-size reads, like a network stream.</summary>
internal sealed class ChunkStream(byte[] bytes, int chunk) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => bytes.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override System.Threading.Tasks.ValueTask<int> ReadAsync(Memory<byte> buffer, System.Threading.CancellationToken cancellationToken = default) =>
        new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

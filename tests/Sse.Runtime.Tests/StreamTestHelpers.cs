using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.Tests;

/// <summary>Reads every event's data as its raw UTF-8 text, whatever its name, so parser tests see exactly what was framed.</summary>
internal sealed class RawFormat : SseEventFormat<string>
{
    public static readonly RawFormat Instance = new();

    public override string? GetEventType(string item) => null;

    public override string? GetEventId(string item) => null;

    public override void Serialize(System.Text.Json.Utf8JsonWriter writer, string item) => throw new NotSupportedException();

    public override bool TryDeserialize(string eventType, ReadOnlySpan<byte> data, [MaybeNullWhen(false)] out string item)
    {
        item = Encoding.UTF8.GetString(data);
        return true;
    }
}

/// <summary>A read-only, asynchronous-only stream: the test streams below implement only <c>ReadAsync</c>.</summary>
internal abstract class AsyncReadStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Async only.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Hands out a byte sequence in the given chunk sizes, one chunk per read, sometimes completing asynchronously.</summary>
internal sealed class ChunkedStream(byte[] bytes, Func<int, int> nextChunkSize) : AsyncReadStream
{
    private int _position;
    private int _reads;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (++_reads % 3 == 0)
        {
            await Task.Yield();
        }

        var count = Math.Min(Math.Min(nextChunkSize(_reads), buffer.Length), bytes.Length - _position);
        bytes.AsSpan(_position, count).CopyTo(buffer.Span);
        _position += count;
        return count;
    }
}

/// <summary>A stream whose reads never complete until cancelled, except for the chunks it is told to deliver.</summary>
internal sealed class TrickleStream(byte[] chunk, TimeSpan interval, int chunks, TimeProvider? timeProvider = null) : AsyncReadStream
{
    private int _delivered;
    private int _waits;

    /// <summary>Gets how many times a read started waiting for its chunk (so a fake clock is advanced only once the reader waits).</summary>
    public int Waits => Volatile.Read(ref _waits);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_delivered >= chunks)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var delay = Task.Delay(interval, timeProvider ?? TimeProvider.System, cancellationToken);
        Interlocked.Increment(ref _waits);
        await delay;

        _delivered++;
        chunk.CopyTo(buffer);
        return chunk.Length;
    }
}

/// <summary>Hands out its chunks one per read, each already there (the read completes at once), honouring cancellation.</summary>
internal sealed class ReadyChunksStream(params byte[][] chunks) : AsyncReadStream
{
    private int _next;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_next == chunks.Length)
        {
            return new ValueTask<int>(0);
        }

        var chunk = chunks[_next++];
        chunk.CopyTo(buffer);
        return new ValueTask<int>(chunk.Length);
    }
}

/// <summary>
/// Alternates bursts and quiet: for <paramref name="phaseReads"/> reads every read fills all the room it is given at
/// once (a server far ahead), then for as many reads each waits and brings a few bytes (a server trickling).
/// </summary>
internal sealed class PhasedStream(byte[] bytes, int phaseReads, int seed) : AsyncReadStream
{
    private readonly Random _random = new(seed);
    private int _position;
    private int _reads;

    /// <summary>Gets the largest room a read was given: how large the reader's buffer grew.</summary>
    public int LargestRead { get; private set; }

    /// <summary>Gets whether a read was given no more than 4 KiB after one was given more than 8 KiB: the buffer shrank back.</summary>
    public bool ShrankAfterGrowing { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ShrankAfterGrowing |= LargestRead > 8 * 1024 && buffer.Length <= 4096;
        LargestRead = Math.Max(LargestRead, buffer.Length);
        var burst = _reads++ / phaseReads % 2 == 0;
        if (!burst)
        {
            // A real wait (a timer, not a yield that another core may finish before the reader looks).
            await Task.Delay(1, cancellationToken);
        }

        var count = Math.Min(burst ? buffer.Length : Math.Min(_random.Next(1, 200), buffer.Length), bytes.Length - _position);
        bytes.AsSpan(_position, count).CopyTo(buffer.Span);
        _position += count;
        return count;
    }
}

internal static class Reading
{
    public static async Task<List<SseItem<string>>> ReadAllAsync(Stream stream, SseClientOptions? options = null)
    {
        var items = new List<SseItem<string>>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var item in SseStreamReader.ReadEventsAsync(stream, RawFormat.Instance, options ?? new SseClientOptions(), cts.Token))
        {
            items.Add(item);
        }

        return items;
    }
}

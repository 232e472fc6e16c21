using System;
using System.Buffers;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The bytes of a burst of frames, built before they go into the response pipe in one piece (each write into
/// Kestrel's pipe takes its output lock). The array is pooled and given back whenever the burst is handed over, so an
/// idle stream holds none.
/// </summary>
internal sealed class SseFrameBuffer : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 4096;
    private byte[] _array = [];
    private int _count;

    /// <summary>Gets how many bytes are buffered.</summary>
    public int WrittenCount => _count;

    /// <summary>Gets the buffered bytes.</summary>
    public Span<byte> WrittenSpan => _array.AsSpan(0, _count);

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_array.Length - _count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Advanced past the buffer handed out.");
        }

        _count += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_count);
    }

    /// <summary>Forgets the bytes after <paramref name="count"/> (a frame whose writing failed).</summary>
    public void Truncate(int count) => _count = Math.Min(_count, count);

    /// <summary>Empties the buffer and gives its array back to the pool.</summary>
    public void Release()
    {
        _count = 0;
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }

    public void Dispose() => Release();

    private void Ensure(int sizeHint)
    {
        var needed = _count + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(InitialSize, _array.Length * 2)));
        _array.AsSpan(0, _count).CopyTo(larger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = larger;
    }
}

using System;
using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The buffer writer a frame's JSON goes through on its way into the response pipe. Compact JSON has no raw
/// CR or LF (inside strings they are escaped), but a custom converter may write raw JSON with line breaks; outside
/// string literals those are insignificant whitespace, so each is replaced by a space rather than allowed to end
/// the <c>data:</c> line and let the payload forge fields.
/// </summary>
internal sealed class NewlineGuardBufferWriter : IBufferWriter<byte>
{
    private PipeWriter? _inner;
    private Memory<byte> _lastMemory;

    public void Reset(PipeWriter inner)
    {
        _inner = inner;
        _lastMemory = default;
    }

    public void Advance(int count)
    {
        Debug.Assert(_inner is not null, "Reset must be called first.");
        Debug.Assert(count <= _lastMemory.Length, "Advance past the memory handed out.");

        var written = _lastMemory.Span[..count];
        var index = written.IndexOfAny((byte)'\r', (byte)'\n');
        while (index >= 0)
        {
            written[index] = (byte)' ';
            var next = written[(index + 1)..].IndexOfAny((byte)'\r', (byte)'\n');
            index = next < 0 ? -1 : index + 1 + next;
        }

        _lastMemory = default;
        _inner.Advance(count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Debug.Assert(_inner is not null, "Reset must be called first.");
        return _lastMemory = _inner.GetMemory(sizeHint);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}

using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime;

/// <summary>
/// Sits between the response stream and the parser and enforces what the parser does not: the maximum size of one
/// event, counted in wire bytes since the last blank line (so an endless line or never-ending data fails early), and
/// the idle timeout between reads. It tracks line ends across reads, so a CR and its LF may arrive separately.
/// </summary>
internal sealed class SseReadGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxEventSize;
    private readonly TimeSpan _idleTimeout;
    private CancellationTokenSource? _idleCts;
    private long _eventBytes;
    private bool _atLineStart = true;
    private bool _afterCarriageReturn;

    public SseReadGuardStream(Stream inner, SseClientOptions options)
    {
        _inner = inner;
        _maxEventSize = options.MaxEventSize;
        _idleTimeout = options.IdleTimeout;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (_idleTimeout == Timeout.InfiniteTimeSpan)
        {
            read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_idleCts is null || !_idleCts.TryReset())
            {
                _idleCts?.Dispose();
                _idleCts = new CancellationTokenSource();
            }

            _idleCts.CancelAfter(_idleTimeout);
            try
            {
                using (cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _idleCts))
                {
                    read = await _inner.ReadAsync(buffer, _idleCts.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _idleCts.IsCancellationRequested)
            {
                throw new SseIdleTimeoutException(_idleTimeout);
            }
        }

        Track(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Track(buffer[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idleCts?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Counts the bytes of the current event; a blank line (spec: "If the line is empty… dispatch") starts a new one.</summary>
    private void Track(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var lineEnd = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (lineEnd != 0)
            {
                // Content bytes of the current line.
                var content = lineEnd < 0 ? bytes.Length : lineEnd;
                _atLineStart = false;
                _afterCarriageReturn = false;
                Count(content);
                if (lineEnd < 0)
                {
                    return;
                }

                bytes = bytes[content..];
                continue;
            }

            var b = bytes[0];
            bytes = bytes[1..];
            if (b == (byte)'\n' && _afterCarriageReturn)
            {
                // Spec: CRLF is one line end; its LF may arrive in a later read than its CR.
                _afterCarriageReturn = false;
                continue;
            }

            _afterCarriageReturn = b == (byte)'\r';
            if (_atLineStart)
            {
                _eventBytes = 0; // A blank line: the event is dispatched (or discarded) and the next begins.
            }
            else
            {
                Count(1);
            }

            _atLineStart = true;
        }
    }

    private void Count(int bytes)
    {
        _eventBytes += bytes;
        if (_eventBytes > _maxEventSize)
        {
            throw new SseEventTooLargeException(_maxEventSize);
        }
    }
}

using System;
using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime;

/// <summary>
/// Reads <c>text/event-stream</c> by the WHATWG event-stream interpretation rules
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation) and hands each
/// event's data, as UTF-8 bytes from a pooled buffer, to an <see cref="SseEventFormat{T}"/>.
/// </summary>
/// <remarks>
/// It also enforces what a reader of an untrusted stream needs: the maximum size of one event (counted in wire bytes,
/// so an endless line fails as early as endless data) and the idle timeout between reads. Any byte sequence may be
/// split across reads, a CR and its LF included.
/// </remarks>
internal sealed class SseEventParser<T> : IDisposable
{
    private const int InitialBufferSize = 4096;

    /// <summary>The read buffer of a stream that outruns its reader: 64 KiB reads.</summary>
    private const int BulkBufferSize = 64 * 1024;
    private const int MaxExcerptChars = 256;

    /// <summary>The longest reconnection time a <c>retry</c> field can set: 2^31−1 ms (about 24.8 days); longer values are clamped to it.</summary>
    internal const long MaxReconnectionMilliseconds = int.MaxValue;
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly SseEventFormat<T> _format;
    private readonly int _maxEventSize;
    private readonly SseIdleWatchdog? _watchdog;
    private readonly ILogger? _logger;
    private readonly string? _sentLastEventId;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _start;
    private int _end;

    /// <summary>How many bytes after <see cref="_start"/> are known to hold no line end, so a long line arriving in small reads is scanned once, not once per read.</summary>
    private int _scanned;
    private bool _eof;

    /// <summary>Whether the last read found its bytes waiting and filled all the room it had.</summary>
    private bool _outrun;

    /// <summary>Whether the last read had to wait for its bytes.</summary>
    private bool _waited;
    private bool _bomChecked;
    private bool _skipLeadingLf;

    private byte[] _data = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _dataLength;
    private bool _hasData;

    /// <summary>
    /// The usual event has one data line: it stays where it is in the read buffer (offset and length here) and is
    /// deserialized in place. A second data line, or a read that moves the buffer, copies it into <see cref="_data"/> first.
    /// </summary>
    private int _inPlaceStart = -1;
    private int _inPlaceLength;
    /// <summary>Spec: the last event ID buffer, as the UTF-8 bytes of the last <c>id</c> field (no string per event).</summary>
    private byte[] _idBuffer = [];
    private int _idBufferLength;

    /// <summary>Spec: the last event ID string, as bytes; its string is made only when someone asks for it.</summary>
    private byte[] _lastId = [];
    private int _lastIdLength;
    private string? _lastIdString;
    private string? _eventType;
    private TimeSpan? _retry;
    private long _eventBytes;

    /// <summary>The name and the reconnection interval of the event dispatched last, for <see cref="TryReadItem"/>.</summary>
    private string _dispatchedType = SseProtocol.MessageEventType;
    private TimeSpan? _dispatchedRetry;

    /// <summary>The event names seen lately, as bytes and strings, so a stream's few names cost no allocation (even alternating).</summary>
    private readonly (byte[] Bytes, string Name)[] _typeCache = new (byte[], string)[8];
    private int _typeCacheNext;

    /// <param name="stream">The response body.</param>
    /// <param name="format">How events map to items.</param>
    /// <param name="options">The limits.</param>
    /// <param name="lastEventId">The last event id from earlier connections (what this connection sent as Last-Event-ID), or <see langword="null"/>.</param>
    /// <param name="watchdog">Bounds the time between reads, or <see langword="null"/> for no idle timeout.</param>
    public SseEventParser(Stream stream, SseEventFormat<T> format, SseClientOptions options, string? lastEventId = null, SseIdleWatchdog? watchdog = null)
    {
        _stream = stream;
        _format = format;
        _maxEventSize = options.MaxEventSize;
        _watchdog = watchdog;
        _logger = options.Logger;
        _sentLastEventId = lastEventId;
        if (!string.IsNullOrEmpty(lastEventId))
        {
            _idBuffer = Encoding.UTF8.GetBytes(lastEventId);
            _idBufferLength = _idBuffer.Length;
            _lastId = _idBuffer.AsSpan().ToArray();
            _lastIdLength = _lastId.Length;
        }

        _lastIdString = lastEventId ?? string.Empty;
    }

    /// <summary>
    /// Spec: the last event ID string, set from the last event ID buffer each time a block ends (a blank line), whether or
    /// not it dispatched an event. It is what a reconnect sends as Last-Event-ID: an <c>id:</c> of an unfinished block is
    /// not, since that event was never received.
    /// </summary>
    public string LastEventId => _lastIdString ??= _lastIdLength == 0 ? string.Empty : Encoding.UTF8.GetString(_lastId, 0, _lastIdLength);

    /// <summary>Gets or sets how many events the server said it dropped (<c>sse-gap</c> events) and the session has not yet reported.</summary>
    public long MissedEvents { get; set; }

    /// <summary>Gets whether the server announced the end of the stream (the <c>sse-end</c> event): nothing follows it.</summary>
    public bool EndReceived { get; private set; }

    /// <summary>
    /// Gets the server's reason when it ended the stream because its credential no longer holds (the <c>sse-reauth</c>
    /// event): the client resumes at once with a fresh credential. Nothing follows it.
    /// </summary>
    public string? ReauthenticateReason { get; private set; }

    /// <summary>Spec: the reconnection time, as last set by a <c>retry</c> field, whether or not an event followed it.</summary>
    public TimeSpan? ReconnectionInterval { get; private set; }

    /// <summary>
    /// Hands out the next event the format accepts from what is already buffered; <see langword="false"/> when the
    /// buffer holds no complete event, and <see cref="FillAsync"/> must read more. Kept synchronous so that a burst of
    /// buffered events costs no async machinery per event.
    /// </summary>
    public bool TryRead([MaybeNullWhen(false)] out T item) => TryParseBuffered(out item);

    /// <summary>
    /// Like <see cref="TryRead(out T)"/>, with the event's name, id and reconnection interval. The plain items of
    /// <see cref="TryRead(out T)"/> need none of them: the last id stays bytes until a reconnect needs it.
    /// </summary>
    public bool TryReadItem(out SseItem<T> item)
    {
        if (!TryParseBuffered(out var value))
        {
            item = default;
            return false;
        }

        item = new SseItem<T>(value, _dispatchedType) { EventId = _lastIdLength == 0 ? null : LastEventId, ReconnectionInterval = _dispatchedRetry };
        return true;
    }

    /// <summary>Reads more of the stream; <see langword="false"/> at its end, when any unfinished event is discarded.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        // Spec: "Once the end of the file is reached, any pending data must be discarded."
        if (_eof || EndReceived || ReauthenticateReason is not null)
        {
            return false;
        }

        await ReadMoreAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_data);
        _buffer = _data = [];
    }

    /// <summary>Processes complete lines until one dispatches an event or the buffer has no complete line.</summary>
    private bool TryParseBuffered([MaybeNullWhen(false)] out T item)
    {
        item = default;
        if (EndReceived || ReauthenticateReason is not null || (!_bomChecked && !SkipBom()))
        {
            return false;
        }

        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            if (_skipLeadingLf && !available.IsEmpty)
            {
                _skipLeadingLf = false;
                if (available[0] == (byte)'\n')
                {
                    _start++;
                    _scanned = 0;
                    continue;
                }
            }

            // A blank line (the end of nearly every event) is told by its first byte, without a search.
            var lineEnd = _scanned == 0 && !available.IsEmpty && available[0] is (byte)'\n' or (byte)'\r'
                ? 0
                : available[_scanned..].IndexOfAny((byte)'\r', (byte)'\n');
            if (lineEnd < 0)
            {
                // An unfinished line: fail now if it already makes the event too large, rather than buffer it all.
                _scanned = available.Length;
                ThrowIfTooLarge(_eventBytes + available.Length);
                return false;
            }

            lineEnd += _scanned;
            _scanned = 0;

            var line = available[..lineEnd];
            var terminator = 1;
            if (available[lineEnd] == (byte)'\r')
            {
                // Spec: CRLF is one line end. Its LF may not have arrived yet.
                if (lineEnd + 1 < available.Length)
                {
                    terminator = available[lineEnd + 1] == (byte)'\n' ? 2 : 1;
                }
                else
                {
                    _skipLeadingLf = true;
                }
            }

            _eventBytes += lineEnd + terminator;
            ThrowIfTooLarge(_eventBytes);
            _start += lineEnd + terminator;
            if (line.IsEmpty)
            {
                if (Dispatch(out item))
                {
                    return true;
                }

                if (EndReceived || ReauthenticateReason is not null)
                {
                    return false;
                }

                continue; // No data, or an event the format does not know: nothing to hand out.
            }

            ProcessLine(line, _start - lineEnd - terminator);
        }
    }

    private void ProcessLine(ReadOnlySpan<byte> line, int lineOffset)
    {
        // Spec: a line starting with a colon is a comment.
        if (line[0] == (byte)':')
        {
            return;
        }

        ReadOnlySpan<byte> field, value;
        var valueOffset = lineOffset + line.Length;

        // The two fields of nearly every event are told by their first bytes, without a search for the colon.
        var colon = line.Length > 4 && line[4] == (byte)':' && line.StartsWith("data"u8) ? 4
            : line.Length > 2 && line[2] == (byte)':' && line[0] == (byte)'i' && line[1] == (byte)'d' ? 2
            : line.IndexOf((byte)':');
        if (colon < 0)
        {
            // Spec: a line with no colon is a field name with an empty value.
            field = line;
            value = default;
        }
        else
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            valueOffset = lineOffset + colon + 1;
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..]; // Spec: "If value starts with a U+0020 SPACE character, remove it."
                valueOffset++;
            }
        }

        if (field.SequenceEqual("data"u8))
        {
            AppendData(value, valueOffset);
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventType = EventTypeString(value);
        }
        else if (field.SequenceEqual("id"u8))
        {
            // Spec: "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value."
            if (value.IndexOf((byte)0) < 0)
            {
                if (value.Length > _idBuffer.Length)
                {
                    _idBuffer = new byte[Math.Max(value.Length, 32)];
                }

                value.CopyTo(_idBuffer);
                _idBufferLength = value.Length;
            }
        }
        else if (field.SequenceEqual("retry"u8))
        {
            // Spec: "If the field value consists of only ASCII digits, then interpret it as an integer in base ten."
            // A value too large for any timer (15 digits and more would even overflow TimeSpan) is clamped, never fatal.
            if (!value.IsEmpty && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
            {
                _retry = !long.TryParse(value, out var milliseconds) || milliseconds > MaxReconnectionMilliseconds
                    ? TimeSpan.FromMilliseconds(MaxReconnectionMilliseconds)
                    : TimeSpan.FromMilliseconds(milliseconds);
                ReconnectionInterval = _retry;
            }
        }

        // Spec: any other field is ignored.
    }

    private void AppendData(ReadOnlySpan<byte> value, int valueOffset)
    {
        if (!_hasData)
        {
            // The first data line of the event: leave it in the read buffer.
            _inPlaceStart = valueOffset;
            _inPlaceLength = value.Length;
            _hasData = true;
            return;
        }

        MaterializeInPlaceData();
        AppendToDataBuffer(value);
    }

    /// <summary>Copies an in-place data line into the data buffer, before another line joins it or the read buffer moves.</summary>
    private void MaterializeInPlaceData()
    {
        if (_inPlaceStart >= 0)
        {
            var start = _inPlaceStart;
            _inPlaceStart = -1;
            AppendToDataBuffer(_buffer.AsSpan(start, _inPlaceLength));
        }
    }

    private void AppendToDataBuffer(ReadOnlySpan<byte> value)
    {
        // Spec: "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF) character."
        var needed = _dataLength + value.Length + 1;
        if (needed > _data.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _data.Length * 2));
            _data.AsSpan(0, _dataLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = larger;
        }

        value.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += value.Length;
        _data[_dataLength++] = (byte)'\n';
        _hasData = true;
    }

    /// <summary>Spec: "dispatch the event" on a blank line.</summary>
    private bool Dispatch([MaybeNullWhen(false)] out T item)
    {
        item = default;
        _eventBytes = 0;

        // Spec: "Set the last event ID string of the event source to the value of the last event ID buffer."
        var id = _idBuffer.AsSpan(0, _idBufferLength);
        if (!id.SequenceEqual(_lastId.AsSpan(0, _lastIdLength)))
        {
            if (id.Length > _lastId.Length)
            {
                _lastId = new byte[Math.Max(id.Length, 32)];
            }

            id.CopyTo(_lastId);
            _lastIdLength = id.Length;
            _lastIdString = null;
        }

        var eventType = _dispatchedType = _eventType ?? SseProtocol.MessageEventType;
        _dispatchedRetry = _retry;
        _eventType = null;
        _retry = null;

        // Spec: "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty string and return."
        if (!_hasData)
        {
            return false;
        }

        // Spec: "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last character."
        // (An in-place single line never had its LF appended.)
        ReadOnlySpan<byte> data;
        if (_inPlaceStart >= 0)
        {
            data = _buffer.AsSpan(_inPlaceStart, _inPlaceLength);
            _inPlaceStart = -1;
        }
        else
        {
            Debug.Assert(_dataLength > 0 && _data[_dataLength - 1] == (byte)'\n', "Every data line ends with LF.");
            data = _data.AsSpan(0, _dataLength - 1);
        }

        _dataLength = 0;
        _hasData = false;

        if (eventType.Length > 4 && eventType.StartsWith("sse-", StringComparison.Ordinal))
        {
            switch (eventType)
            {
                case SseProtocol.ErrorEventType:
                    throw new SseStreamFailedException(ReadErrorDetail(data));
                case SseProtocol.EndEventType:
                    EndReceived = true;
                    return false;
                case SseProtocol.ResetEventType:
                    throw new SseResumeRejectedException(_sentLastEventId, ReadErrorDetail(data));
                case SseProtocol.GapEventType:
                    MissedEvents += ReadMissed(data);
                    return false;
                case SseProtocol.ReauthenticateEventType:
                    ReauthenticateReason = ReadErrorDetail(data);
                    return false;
            }
        }

        try
        {
            if (!_format.TryDeserialize(eventType, data, out item))
            {
                if (_logger is not null)
                {
                    SseClientLog.EventSkipped(_logger, eventType, LastEventId, typeof(T).Name);
                }

                return false;
            }
        }
        catch (JsonException ex)
        {
            throw new SsePayloadException(eventType, LastEventId, typeof(T), Excerpt(data), ex);
        }

        return true;
    }

    private string EventTypeString(ReadOnlySpan<byte> value)
    {
        // Spec: an empty event type buffer dispatches as "message".
        if (value.IsEmpty)
        {
            return SseProtocol.MessageEventType;
        }

        foreach (var (bytes, name) in _typeCache)
        {
            if (bytes is null)
            {
                break;
            }

            if (value.SequenceEqual(bytes))
            {
                return name;
            }
        }

        // A new name takes the oldest entry's place.
        var type = Encoding.UTF8.GetString(value);
        _typeCache[_typeCacheNext] = (value.ToArray(), type);
        _typeCacheNext = (_typeCacheNext + 1) % _typeCache.Length;
        return type;
    }

    /// <summary>Spec: "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM), if any."</summary>
    private bool SkipBom()
    {
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < Bom.Length && !_eof && Bom.AsSpan().StartsWith(available))
        {
            return false; // Could still be a BOM: wait for more bytes.
        }

        if (available.StartsWith(Bom))
        {
            _start += Bom.Length;
        }

        _bomChecked = true;
        return true;
    }

    /// <summary>An event over the limit fails instead of buffering without bound.</summary>
    private void ThrowIfTooLarge(long eventBytes)
    {
        if (eventBytes > _maxEventSize)
        {
            throw new SseEventTooLargeException(_maxEventSize);
        }
    }

    private async ValueTask ReadMoreAsync(CancellationToken cancellationToken)
    {
        // The read buffer is about to move: an in-place data line must be kept elsewhere first.
        MaterializeInPlaceData();
        if (_start > 0)
        {
            // Keep the unfinished line at the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length || (_outrun && _buffer.Length < BulkBufferSize))
        {
            Resize(_buffer.Length * 2);
        }
        else if (_waited && _buffer.Length > InitialBufferSize && _end <= InitialBufferSize / 2)
        {
            Resize(InitialBufferSize); // quiet again: the large buffer goes back to the pool
        }

        var room = _buffer.Length - _end;
        var pending = ReadWithIdleTimeoutAsync(_buffer.AsMemory(_end), cancellationToken);
        _waited = !pending.IsCompleted;
        var read = await pending.ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;

        // The bytes were already there and filled all the room: the stream outruns its reader, so the next reads are
        // larger (fewer system calls and completions per event). A read that had to wait gives the large buffer back.
        _outrun = !_waited && read == room;
    }

    private void Resize(int size)
    {
        var resized = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _end).CopyTo(resized);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = resized;
    }

    private async ValueTask<int> ReadWithIdleTimeoutAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_watchdog is null)
        {
            return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // The watchdog's token carries the caller's cancellation and the idle timeout: no registration per read. It
            // counts only while this read waits, not while the consumer works through what the last one brought.
            _watchdog.Resume();
            var read = await _stream.ReadAsync(buffer, _watchdog.Token).ConfigureAwait(false);
            _watchdog.Pause();
            return read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _watchdog.TimedOut)
        {
            throw new SseIdleTimeoutException(_watchdog.IdleTimeout);
        }
    }

    /// <summary>The <c>missed</c> count of an <c>sse-gap</c> event; at least one, whatever the data says.</summary>
    private static long ReadMissed(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("missed", out var missed)
                && missed.TryGetInt64(out var count)
                && count > 0)
            {
                return count;
            }
        }
        catch (JsonException)
        {
            // A gap of unknown size is still a gap.
        }

        return 1;
    }

    private static string ReadErrorDetail(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind == JsonValueKind.String)
            {
                return detail.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not the problem-details shape our servers write: report the raw text.
        }

        return Excerpt(data);
    }

    private static string Excerpt(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data[..Math.Min(data.Length, MaxExcerptChars * 3)]);
        return text.Length > MaxExcerptChars ? text[..MaxExcerptChars] + "…" : text;
    }
}

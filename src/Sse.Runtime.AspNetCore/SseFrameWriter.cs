using System;
using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sse.Runtime.AspNetCore.TopicLogs;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Writes every <c>text/event-stream</c> frame of one response, and is the only code that does: items (optional
/// <c>event:</c>, <c>id:</c> and <c>retry:</c> fields, then the item as one line of compact JSON after <c>data: </c>, then
/// a blank line), topic events (their shared frame, built once per broadcast), the reserved <c>sse-end</c>,
/// <c>sse-error</c>, <c>sse-reset</c> and <c>sse-gap</c> events, and heartbeat comments. Every field is written as
/// <c>name: value</c>, exactly one space after the colon. Items are built in a buffer of its own and go into the
/// response pipe in one piece per burst (<see cref="Commit"/>); the other frames, which are followed by a flush, commit
/// at once. Its <see cref="Utf8JsonWriter"/> is reused for every frame.
/// </summary>
internal sealed class SseFrameWriter : IDisposable
{
    private const int MaxIdBytes = 64;

    private readonly PipeWriter _pipe;
    private readonly SseFrameBuffer _buffer = new();
    private readonly Utf8JsonWriter _json;

    public SseFrameWriter(PipeWriter pipe, JavaScriptEncoder? encoder)
    {
        _pipe = pipe;

        // The writer's own options decide the layout, whatever the context's options say: never indented, so
        // the payload stays on one data line. Validation is off because the serializer writes valid JSON.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = false, SkipValidation = true, Encoder = encoder });
    }

    /// <summary>Gets how many bytes of events wait for <see cref="Commit"/>.</summary>
    public int BufferedBytes => _buffer.WrittenCount;

    /// <summary>
    /// Writes one event whose id comes from the format (as UTF-8 when it is a formattable value, with no string). An
    /// empty id is refused: it would reset the client's last event id.
    /// </summary>
    public void WriteEvent<T>(SseEventFormat<T> format, T item, string? eventType)
    {
        if (!string.IsNullOrEmpty(eventType))
        {
            ValidateEventType(eventType);
        }

        Span<byte> id = stackalloc byte[MaxIdBytes];
        if (format.TryFormatEventId(item, id, out var idLength))
        {
            if (idLength == 0 || id[..idLength].IndexOfAny((byte)'\r', (byte)'\n', (byte)0) >= 0)
            {
                ThrowHelper.ThrowInvalidField("id", Encoding.UTF8.GetString(id[..idLength]), "an [SseEventId] value must not be empty or contain CR, LF or NUL");
            }

            WriteFrame(format, item, eventType, null, id[..idLength], retry: null);
            return;
        }

        var eventId = format.GetEventId(item);
        if (eventId is { Length: 0 })
        {
            ThrowHelper.ThrowInvalidField("id", eventId, "an [SseEventId] value must not be empty (an empty id resets the client's last event id); use null for no id");
        }

        WriteEvent(format, item, eventType, eventId, retry: null);
    }

    /// <summary>
    /// Writes one event. The event type and id are validated before anything is written: an empty or <see langword="null"/>
    /// type writes no <c>event:</c> line (the client sees <c>message</c>); an empty id writes <c>id:</c>, which resets the
    /// client's last event id.
    /// </summary>
    public void WriteEvent<T>(SseEventFormat<T> format, T item, string? eventType, string? eventId, TimeSpan? retry)
    {
        if (!string.IsNullOrEmpty(eventType))
        {
            ValidateEventType(eventType);
        }

        if (eventId is not null && !SseProtocol.IsValidFieldValue(eventId))
        {
            ThrowHelper.ThrowInvalidField("id", eventId, "it contains CR, LF or NUL, which the 'id' field cannot carry");
        }

        WriteFrame(format, item, eventType, eventId, default, retry);
    }

    /// <summary>Hands the buffered events to the response pipe in one piece; the caller flushes.</summary>
    public void Commit()
    {
        if (_buffer.WrittenCount > 0)
        {
            _pipe.Write(_buffer.WrittenSpan);
        }

        _buffer.Release();
    }

    /// <summary>Writes the <c>sse-error</c> event that tells a client the stream failed after it started, and commits.</summary>
    public void WriteError(string title, string detail) => WriteControl(SseProtocol.ErrorEventType, title, detail, lastEventId: null);

    /// <summary>Writes the <c>sse-end</c> event that tells a client the stream ended on purpose (do not reconnect), and commits.</summary>
    public void WriteEnd()
    {
        WriteField("event: "u8, SseProtocol.EndEventType);
        _buffer.Write("data: \n\n"u8);
        Commit();
    }

    /// <summary>
    /// Writes the <c>sse-gap</c> event: <paramref name="missed"/> events were dropped for this subscriber (the drop-oldest
    /// policy), right before the next event. Commits.
    /// </summary>
    public void WriteGap(long missed)
    {
        WriteField("event: "u8, SseProtocol.GapEventType);
        _buffer.Write("data: {\"missed\":"u8);
        var span = _buffer.GetSpan(24);
        Utf8Formatter.TryFormat(missed, span, out var digits);
        _buffer.Advance(digits);
        _buffer.Write("}\n\n"u8);
        Commit();
    }

    /// <summary>Writes the heartbeat comment (<c>: heartbeat</c>), which clients ignore but which resets their idle timer, and commits.</summary>
    public void WriteHeartbeat() => WriteComment("heartbeat"u8);

    /// <summary>Writes a frame built elsewhere once for many responses (a topic event), straight into the pipe after what is buffered.</summary>
    public void WriteFrame(ReadOnlySpan<byte> frame)
    {
        Commit();
        _pipe.Write(frame);
    }

    /// <summary>
    /// Writes a frame with only an <c>id:</c> line, and commits: it sets the client's last event id without an event
    /// (WHATWG: the id is taken at the blank line even when there is no data), so a live subscriber that is dropped
    /// before its first event resumes from where its subscription began instead of starting over.
    /// </summary>
    public void WriteIdOnly(string id)
    {
        WriteField("id: "u8, id);
        _buffer.Write("\n"u8);
        Commit();
    }

    /// <summary>
    /// Writes the <c>sse-reauth</c> event that tells a client the stream's credential expired or is no longer valid: it
    /// gets a fresh one and resumes from its last id at once. Commits.
    /// </summary>
    public void WriteReauthenticate(string detail) => WriteControl(SseProtocol.ReauthenticateEventType, "Re-authenticate", detail, lastEventId: null);

    /// <summary>Writes the <c>sse-reset</c> event that tells a client the stream cannot resume from its Last-Event-ID, and commits.</summary>
    public void WriteReset(string? lastEventId, string detail) => WriteControl(SseProtocol.ResetEventType, "Cannot resume", detail, lastEventId);

    /// <summary>Writes a comment line (<c>: text</c>) followed by a blank line, which clients ignore, and commits.</summary>
    public void WriteComment(ReadOnlySpan<byte> text)
    {
        _buffer.Write(": "u8);
        _buffer.Write(text);
        _buffer.Write("\n\n"u8);
        Commit();
    }

    /// <summary>Hands over what is buffered and releases the buffer.</summary>
    public void Dispose()
    {
        Commit();
        _json.Dispose();
    }

    private void WriteFrame<T>(SseEventFormat<T> format, T item, string? eventType, string? eventId, ReadOnlySpan<byte> utf8Id, TimeSpan? retry)
    {
        var frameStart = _buffer.WrittenCount;
        try
        {
            if (!string.IsNullOrEmpty(eventType))
            {
                WriteField("event: "u8, eventType);
            }

            if (eventId is not null)
            {
                WriteField("id: "u8, eventId);
            }
            else if (!utf8Id.IsEmpty)
            {
                var span = _buffer.GetSpan(utf8Id.Length + 5);
                "id: "u8.CopyTo(span);
                utf8Id.CopyTo(span[4..]);
                span[4 + utf8Id.Length] = (byte)'\n';
                _buffer.Advance(utf8Id.Length + 5);
            }

            if (retry is { } interval)
            {
                WriteRetry(interval);
            }

            if (format.IsText)
            {
                WriteTextData(format.GetText(item));
            }
            else
            {
                _buffer.Write("data: "u8);
                var jsonStart = _buffer.WrittenCount;
                format.Serialize(_json, item);
                _json.Flush();
                _json.Reset();
                ReplaceLineBreaks(_buffer.WrittenSpan[jsonStart..]);
                _buffer.Write("\n"u8);
            }

            _buffer.Write("\n"u8);
        }
        catch
        {
            // Nothing of a frame that failed is ever sent.
            _buffer.Truncate(frameStart);
            _json.Reset();
            throw;
        }
    }

    /// <summary>
    /// Compact JSON has no raw CR or LF (inside strings they are escaped), but a custom converter may write raw JSON
    /// with line breaks; outside string literals those are insignificant whitespace, so each becomes a space rather
    /// than end the <c>data:</c> line and let the payload forge fields.
    /// </summary>
    internal static void ReplaceLineBreaks(Span<byte> json)
    {
        json.Replace((byte)'\r', (byte)' ');
        json.Replace((byte)'\n', (byte)' ');
    }

    /// <summary>Writes text data, one <c>data:</c> line per line of the text (CR, LF and CRLF all end a line).</summary>
    private void WriteTextData(string text)
    {
        var remaining = text.AsSpan();
        while (true)
        {
            var lineEnd = remaining.IndexOfAny('\r', '\n');
            var line = lineEnd < 0 ? remaining : remaining[..lineEnd];
            var span = _buffer.GetSpan("data: "u8.Length + Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
            "data: "u8.CopyTo(span);
            var written = "data: "u8.Length + Encoding.UTF8.GetBytes(line, span["data: "u8.Length..]);
            span[written++] = (byte)'\n';
            _buffer.Advance(written);
            if (lineEnd < 0)
            {
                return;
            }

            var terminator = remaining[lineEnd] == '\r' && lineEnd + 1 < remaining.Length && remaining[lineEnd + 1] == '\n' ? 2 : 1;
            remaining = remaining[(lineEnd + terminator)..];
        }
    }

    /// <summary>A reserved event whose data is a small problem-details object, committed at once.</summary>
    private void WriteControl(string eventType, string title, string detail, string? lastEventId)
    {
        WriteField("event: "u8, eventType);
        _buffer.Write("data: "u8);
        _json.WriteStartObject();
        _json.WriteString("title"u8, title);
        _json.WriteString("detail"u8, detail);
        if (lastEventId is not null)
        {
            _json.WriteString("lastEventId"u8, lastEventId);
        }

        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _buffer.Write("\n\n"u8);
        Commit();
    }

    private void WriteField(ReadOnlySpan<byte> prefix, string value)
    {
        var max = prefix.Length + Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
        var span = _buffer.GetSpan(max);
        prefix.CopyTo(span);
        var written = prefix.Length + Encoding.UTF8.GetBytes(value, span[prefix.Length..]);
        span[written++] = (byte)'\n';
        _buffer.Advance(written);
    }

    private static void ValidateEventType(string eventType)
    {
        if (!SseProtocol.IsValidFieldValue(eventType))
        {
            ThrowHelper.ThrowInvalidField("event", eventType, "it contains CR, LF or NUL, which the 'event' field cannot carry");
        }

        if (SseProtocol.IsReservedEventType(eventType))
        {
            ThrowHelper.ThrowInvalidField("event", eventType, "the protocol reserves that name");
        }
    }

    private void WriteRetry(TimeSpan interval)
    {
        // Spec: "If the field value consists of only ASCII digits" — whole milliseconds, the fraction dropped (as
        // SseFormatter writes them), never negative.
        var milliseconds = Math.Max(0, (long)interval.TotalMilliseconds);
        var span = _buffer.GetSpan(32);
        "retry: "u8.CopyTo(span);
        Utf8Formatter.TryFormat(milliseconds, span[7..], out var digits);
        span[7 + digits] = (byte)'\n';
        _buffer.Advance(8 + digits);
    }

    /// <summary>The longest id line <see cref="MaxTopicFrameLength"/> allows for: <c>id: </c>, an epoch of up to 32 bytes, <c>-</c>, 19 digits, LF.</summary>
    internal const int MaxIdLineLength = 4 + 32 + 1 + 19 + 1;

    /// <summary>The length of an event's frame on the wire, its id line counted at <see cref="MaxIdLineLength"/>.</summary>
    public static long MaxTopicFrameLength(string? eventType, ReadOnlySpan<byte> data) =>
        MaxIdLineLength
        + (eventType is null ? 0 : "event: "u8.Length + Encoding.UTF8.GetByteCount(eventType) + 1)
        + data.Length + ((1L + data.Count((byte)'\n')) * ("data: "u8.Length + 1)) + 1;

    /// <summary>
    /// A topic event's frame, built once and written as is to every subscriber (<see cref="WriteFrame"/>): <c>id:
    /// {epoch}-{position}</c>, the event name, one <c>data:</c> line per line of the data, a blank line.
    /// </summary>
    public static byte[] BuildTopicFrame(SseTopicEvent topicEvent, string epoch)
    {
        var data = topicEvent.Data.Span;
        var lines = 1;
        foreach (var b in data)
        {
            lines += b == (byte)'\n' ? 1 : 0;
        }

        var eventType = topicEvent.EventType;
        var size = "id: "u8.Length + Encoding.UTF8.GetByteCount(epoch) + 1 + 20 + 1
            + (eventType is null ? 0 : "event: "u8.Length + Encoding.UTF8.GetByteCount(eventType) + 1)
            + data.Length + (lines * ("data: "u8.Length + 1)) + 1;
        var frame = new byte[size];
        var span = frame.AsSpan();
        var written = Append(span, "id: "u8);
        written += Encoding.UTF8.GetBytes(epoch, span[written..]);
        span[written++] = (byte)'-';
        Utf8Formatter.TryFormat(topicEvent.Position, span[written..], out var digits);
        written += digits;
        span[written++] = (byte)'\n';
        if (eventType is not null)
        {
            written += Append(span[written..], "event: "u8);
            written += Encoding.UTF8.GetBytes(eventType, span[written..]);
            span[written++] = (byte)'\n';
        }

        while (true)
        {
            var lineEnd = data.IndexOf((byte)'\n');
            var line = lineEnd < 0 ? data : data[..lineEnd];
            written += Append(span[written..], "data: "u8);
            line.CopyTo(span[written..]);
            written += line.Length;
            span[written++] = (byte)'\n';
            if (lineEnd < 0)
            {
                break;
            }

            data = data[(lineEnd + 1)..];
        }

        span[written++] = (byte)'\n';
        return written == frame.Length ? frame : frame.AsSpan(0, written).ToArray();
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}

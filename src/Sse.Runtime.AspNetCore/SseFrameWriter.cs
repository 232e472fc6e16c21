using System;
using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Writes <c>text/event-stream</c> frames into a <see cref="PipeWriter"/>: optional <c>event:</c>, <c>id:</c> and
/// <c>retry:</c> fields, then the item as one line of compact JSON after <c>data:</c>, then a blank line.
/// One writer serves one response; its <see cref="Utf8JsonWriter"/> is reused for every frame.
/// </summary>
internal sealed class SseFrameWriter : IDisposable
{
    private readonly PipeWriter _pipe;
    private readonly NewlineGuardBufferWriter _guard = new();
    private readonly Utf8JsonWriter _json;

    /// <summary>Gets whether a frame was left half-written (its serialization threw), so nothing more may follow it.</summary>
    public bool IsInFrame { get; private set; }

    public SseFrameWriter(PipeWriter pipe, JavaScriptEncoder? encoder)
    {
        _pipe = pipe;
        _guard.Reset(pipe);

        // The writer's own options decide the layout, whatever the context's options say: never indented, so
        // the payload stays on one data line. Validation is off because the serializer writes valid JSON.
        _json = new Utf8JsonWriter(_guard, new JsonWriterOptions { Indented = false, SkipValidation = true, Encoder = encoder });
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

        IsInFrame = true;
        if (!string.IsNullOrEmpty(eventType))
        {
            WriteField("event: "u8, eventType);
        }

        if (eventId is not null)
        {
            WriteField("id: "u8, eventId);
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
            _pipe.Write("data: "u8);
            format.Serialize(_json, item);
            _json.Flush();
            _json.Reset(_guard);
            _pipe.Write("\n"u8);
        }

        _pipe.Write("\n"u8);
        IsInFrame = false;
    }

    /// <summary>Writes text data, one <c>data:</c> line per line of the text (CR, LF and CRLF all end a line).</summary>
    private void WriteTextData(string text)
    {
        var remaining = text.AsSpan();
        while (true)
        {
            var lineEnd = remaining.IndexOfAny('\r', '\n');
            var line = lineEnd < 0 ? remaining : remaining[..lineEnd];
            var span = _pipe.GetSpan("data: "u8.Length + Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
            "data: "u8.CopyTo(span);
            var written = "data: "u8.Length + Encoding.UTF8.GetBytes(line, span["data: "u8.Length..]);
            span[written++] = (byte)'\n';
            _pipe.Advance(written);
            if (lineEnd < 0)
            {
                return;
            }

            var terminator = remaining[lineEnd] == '\r' && lineEnd + 1 < remaining.Length && remaining[lineEnd + 1] == '\n' ? 2 : 1;
            remaining = remaining[(lineEnd + terminator)..];
        }
    }

    /// <summary>Writes the <c>sse-error</c> event that tells a client the stream failed after it started.</summary>
    public void WriteError(string title, string detail) => WriteControl(SseProtocol.ErrorEventType, title, detail, lastEventId: null);

    /// <summary>Writes the <c>sse-end</c> event that tells a client the stream ended on purpose: do not reconnect.</summary>
    public void WriteEnd()
    {
        WriteField("event: "u8, SseProtocol.EndEventType);
        _pipe.Write("data:\n\n"u8);
    }

    /// <summary>Writes the <c>sse-reset</c> event that tells a client the stream cannot resume from its Last-Event-ID.</summary>
    public void WriteReset(string? lastEventId, string detail) => WriteControl(SseProtocol.ResetEventType, "Cannot resume", detail, lastEventId);

    /// <summary>A reserved event whose data is a small problem-details object.</summary>
    private void WriteControl(string eventType, string title, string detail, string? lastEventId)
    {
        WriteField("event: "u8, eventType);
        _pipe.Write("data: "u8);
        _json.WriteStartObject();
        _json.WriteString("title"u8, title);
        _json.WriteString("detail"u8, detail);
        if (lastEventId is not null)
        {
            _json.WriteString("lastEventId"u8, lastEventId);
        }

        _json.WriteEndObject();
        _json.Flush();
        _json.Reset(_guard);
        _pipe.Write("\n\n"u8);
    }

    /// <summary>Writes a comment line (<c>: text</c>) followed by a blank line; clients ignore it.</summary>
    public void WriteComment(ReadOnlySpan<byte> text)
    {
        _pipe.Write(": "u8);
        _pipe.Write(text);
        _pipe.Write("\n\n"u8);
    }

    public void Dispose() => _json.Dispose();

    private void WriteField(ReadOnlySpan<byte> prefix, string value)
    {
        var max = prefix.Length + Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
        var span = _pipe.GetSpan(max);
        prefix.CopyTo(span);
        var written = prefix.Length + Encoding.UTF8.GetBytes(value, span[prefix.Length..]);
        span[written++] = (byte)'\n';
        _pipe.Advance(written);
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
        var span = _pipe.GetSpan(32);
        "retry: "u8.CopyTo(span);
        Utf8Formatter.TryFormat(milliseconds, span[7..], out var digits);
        span[7 + digits] = (byte)'\n';
        _pipe.Advance(8 + digits);
    }
}

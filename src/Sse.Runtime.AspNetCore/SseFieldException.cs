using System;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// An event's <c>event</c> or <c>id</c> value cannot be written: it contains CR, LF or NUL (a line break would let the
/// rest of the value forge fields or whole events), it is a reserved event name, or an <c>[SseEventId]</c> property is
/// empty (an empty id would reset the client's last event id). The stream fails before any byte of that event is written.
/// </summary>
public sealed class SseFieldException : InvalidOperationException
{
    internal SseFieldException(string field, string value, string reason)
        : base($"The server-sent event '{field}' value {Quote(value)} cannot be written: {reason}.")
    {
        Field = field;
        Value = value;
    }

    /// <summary>Gets the field name, <c>event</c> or <c>id</c>.</summary>
    public string Field { get; }

    /// <summary>Gets the refused value.</summary>
    public string Value { get; }

    private static string Quote(string value)
    {
        var shown = value.Length > 64 ? value[..64] + "…" : value;
        return "\"" + shown.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal) + "\"";
    }
}

using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Sse.Runtime.AspNetCore;

/// <summary>Builds a topic event's frame and parses the hub's event ids (<c>{epoch}-{position}</c>).</summary>
internal static class SseTopicFrames
{
    /// <summary>The longest id line <see cref="MaxLength"/> allows for: <c>id: </c>, an epoch of up to 32 bytes, <c>-</c>, 19 digits, LF.</summary>
    internal const int MaxIdLineLength = 4 + 32 + 1 + 19 + 1;

    /// <summary>The length of an event's frame on the wire, its id line counted at <see cref="MaxIdLineLength"/>.</summary>
    public static long MaxLength(string? eventType, ReadOnlySpan<byte> data) =>
        MaxIdLineLength
        + (eventType is null ? 0 : "event: "u8.Length + Encoding.UTF8.GetByteCount(eventType) + 1)
        + data.Length + ((1L + data.Count((byte)'\n')) * ("data: "u8.Length + 1)) + 1;

    /// <summary>The frame: <c>id: {epoch}-{position}</c>, the event name, one <c>data:</c> line per line of the data, a blank line.</summary>
    public static byte[] Build(SseTopicEvent topicEvent, string epoch)
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

    /// <summary>The id of a topic event.</summary>
    public static string Id(string epoch, long position) => epoch + "-" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads a hub id; <see langword="false"/> when it is not one of this epoch's.</summary>
    public static bool TryParse(string id, string epoch, out long position)
    {
        position = 0;
        return id.Length > epoch.Length + 1
            && id.StartsWith(epoch, StringComparison.Ordinal)
            && id[epoch.Length] == '-'
            && long.TryParse(id.AsSpan(epoch.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out position)
            && position >= 0;
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}

using System;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

public class SseFrameWriterTests
{
    private static readonly SseEventFormat<Point> PointFormat = SseEventFormat.Json(RuntimeTestJson.Default.Point, eventType: "point", eventId: static p => p.X.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task WriteEvent_WritesFieldsThenCompactDataThenBlankLine()
    {
        var text = await WriteAsync(w => w.WriteEvent(PointFormat, new Point(1, 2, "a"), "point", "1", TimeSpan.FromSeconds(1.5)));

        Assert.Equal("event: point\nid: 1\nretry: 1500\ndata: {\"X\":1,\"Y\":2,\"Label\":\"a\"}\n\n", text);
    }

    [Fact]
    public async Task WriteEvent_IndentedContext_StillOneDataLine()
    {
        // RuntimeTestJson has WriteIndented = true; the frame writer's own options win.
        var text = await WriteAsync(w => w.WriteEvent(PointFormat, new Point(1, 2, "line\nbreak"), null, null, null));

        Assert.Equal("data: {\"X\":1,\"Y\":2,\"Label\":\"line\\nbreak\"}\n\n", text);
    }

    [Fact]
    public async Task WriteEvent_ConverterWritesRawLineBreaks_TheyBecomeSpaces()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Multiline);

        var text = await WriteAsync(w => w.WriteEvent(format, new Multiline(5), null, null, null));

        Assert.Equal("data: {   \"a\": 5,    \"b\": \"x\" }\n\n", text);
        Assert.Equal(new Multiline(5), System.Text.Json.JsonSerializer.Deserialize(text["data: ".Length..^2], RuntimeTestJson.Default.Multiline));
    }

    [Fact]
    public async Task WriteEvent_ManyEvents_EachFramedWholeAndInOrder()
    {
        var text = await WriteAsync(w =>
        {
            for (var i = 0; i < 3; i++)
            {
                w.WriteEvent(PointFormat, new Point(i, i, "p"), null, null, null);
            }
        });

        Assert.Equal(string.Concat(Repeat(i => $"data: {{\"X\":{i},\"Y\":{i},\"Label\":\"p\"}}\n\n")), text);
    }

    [Theory]
    [InlineData("a\nb", null, "event")]
    [InlineData("a\rb", null, "event")]
    [InlineData("a\0b", null, "event")]
    [InlineData(null, "1\n", "id")]
    [InlineData(null, "1\r", "id")]
    [InlineData(null, "1\0", "id")]
    public async Task WriteEvent_LineBreakOrNulInField_RefusedAndNothingWritten(string? eventType, string? eventId, string field)
    {
        SseFieldException? refused = null;
        var written = await WriteAsync(w =>
        {
            w.WriteEvent(PointFormat, new Point(0, 0, "before"), null, null, null);
            refused = Assert.Throws<SseFieldException>(() => w.WriteEvent(PointFormat, new Point(1, 2, "a"), eventType, eventId, null));
        });

        Assert.Equal(field, refused!.Field);
        Assert.Contains($"'{field}'", refused.Message, StringComparison.Ordinal);
        Assert.Equal("data: {\"X\":0,\"Y\":0,\"Label\":\"before\"}\n\n", written);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "1")]
    [InlineData(0.2, "0")]
    [InlineData(1.9, "1")]
    [InlineData(-5, "0")]
    [InlineData(3_600_000, "3600000")]
    public async Task WriteEvent_Retry_WholeMillisecondsTruncatedNeverNegative(double milliseconds, string expected)
    {
        var text = await WriteAsync(w => w.WriteEvent(PointFormat, new Point(0, 0, ""), null, null, TimeSpan.FromMilliseconds(milliseconds)));

        Assert.StartsWith($"retry: {expected}\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sse-error")]
    public async Task WriteEvent_ReservedEventType_RefusedAndNothingWritten(string eventType)
    {
        SseFieldException? refused = null;
        var written = await WriteAsync(w => refused = Assert.Throws<SseFieldException>(() => w.WriteEvent(PointFormat, new Point(1, 2, "a"), eventType, null, null)));

        Assert.Equal("event", refused!.Field);
        Assert.Contains("reserves", refused.Message, StringComparison.Ordinal);
        Assert.Equal(string.Empty, written);
    }

    [Fact]
    public async Task WriteEvent_EmptyEventType_WritesNoEventLine()
    {
        var text = await WriteAsync(w => w.WriteEvent(PointFormat, new Point(0, 0, ""), string.Empty, null, null));

        Assert.Equal("data: {\"X\":0,\"Y\":0,\"Label\":\"\"}\n\n", text);
    }

    [Fact]
    public async Task WriteEvent_EmptyEventId_WritesIdLineThatResets()
    {
        var text = await WriteAsync(w => w.WriteEvent(PointFormat, new Point(0, 0, ""), null, string.Empty, null));

        Assert.Equal("id: \ndata: {\"X\":0,\"Y\":0,\"Label\":\"\"}\n\n", text);
    }

    [Fact]
    public async Task WriteEvent_NonAsciiFields_WrittenAsUtf8()
    {
        var text = await WriteAsync(w => w.WriteEvent(PointFormat, new Point(0, 0, "ü"), "ünïcødé", "🚀", null));

        Assert.Equal("event: ünïcødé\nid: 🚀\ndata: {\"X\":0,\"Y\":0,\"Label\":\"\\u00FC\"}\n\n", text);
    }

    [Theory]
    [InlineData("one line", "data: one line\n")]
    [InlineData("a\nb", "data: a\ndata: b\n")]
    [InlineData("a\r\nb\rc", "data: a\ndata: b\ndata: c\n")]
    [InlineData("trailing\n", "data: trailing\ndata: \n")]
    [InlineData("", "data: \n")]
    [InlineData("data: forged\n\nevent: x", "data: data: forged\ndata: \ndata: event: x\n")]
    public async Task WriteEvent_TextItem_OneDataLinePerLine(string text, string expectedData)
    {
        var written = await WriteAsync(w => w.WriteEvent(SseEventFormat.Text(), text, null, null, null));

        Assert.Equal(expectedData + "\n", written);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("data: forged\n\nevent: x\nid: 9")]
    [InlineData("ünï\r\n🚀")]
    public async Task TextItem_RoundTripsThroughTheParser_LineBreaksAsLf(string text)
    {
        var written = await WriteAsync(w => w.WriteEvent(SseEventFormat.Text(), text, null, null, null));

        var items = await Reading.ReadAllAsync(new System.IO.MemoryStream(Encoding.UTF8.GetBytes(written)));

        var item = Assert.Single(items);
        Assert.Equal(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'), item.Data);
        Assert.Equal("message", item.EventType);
        Assert.Null(item.EventId);
    }

    [Fact]
    public async Task WriteEvent_ContextWithRelaxedEncoder_EscapesAsTheContextSays()
    {
        var relaxed = new RuntimeTestJson(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var format = SseEventFormat.Json(relaxed.Point);

        var text = await WriteAsync(w => w.WriteEvent(format, new Point(0, 0, "ü <b>"), null, null, null), format.Encoder);

        Assert.Same(System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, format.Encoder);
        Assert.Equal("data: {\"X\":0,\"Y\":0,\"Label\":\"ü <b>\"}\n\n", text);
    }

    [Fact]
    public async Task WriteEvent_SerializationFailsHalfWay_NothingOfThatFrameIsWritten_TheStreamCanStillSayWhy()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Fragile);

        var text = await WriteAsync(w =>
        {
            w.WriteEvent(format, new Fragile(1), null, "1", null);
            Assert.Throws<InvalidOperationException>(() => w.WriteEvent(format, new Fragile(-1), null, "2", null));
            w.WriteEvent(format, new Fragile(3), null, "3", null);
            w.WriteError("The event stream failed", "after 2 events");
        });

        Assert.Equal(
            "id: 1\ndata: {\"a\":1}\n\nid: 3\ndata: {\"a\":3}\n\nevent: sse-error\ndata: {\"title\":\"The event stream failed\",\"detail\":\"after 2 events\"}\n\n",
            text);
    }

    [Fact]
    public async Task WriteEvent_FormattableIds_AreWrittenAsUtf8_WithTheSameTextAsTheirStrings()
    {
        var at = new DateTimeOffset(2026, 11, 26, 13, 30, 15, 123, TimeSpan.FromHours(1));
        var guid = Guid.Parse("9c2f0c53-2a7e-4f55-9a8c-0d6f0b7d1e42");

        Assert.Equal("id: -42\ndata: {\"X\":1,\"Y\":2,\"Label\":\"a\"}\n\n", await WriteWithIdAsync(-42L));
        Assert.Equal("id: " + guid.ToString(null, System.Globalization.CultureInfo.InvariantCulture) + "\n", (await WriteWithIdAsync(guid))[..41]);
        Assert.StartsWith("id: " + at.ToString(null, System.Globalization.CultureInfo.InvariantCulture) + "\n", await WriteWithIdAsync(at), StringComparison.Ordinal);
        Assert.StartsWith("id: 12.5\n", await WriteWithIdAsync(12.5m), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteEvent_FormattableIdWithALineBreak_IsRefused()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Point, eventType: null, eventId: static (Point p) => new Odd(p.Label));

        var text = await WriteAsync(w =>
        {
            var ex = Assert.Throws<SseFieldException>(() => w.WriteEvent(format, new Point(1, 2, "a\nb"), null));
            Assert.Contains("'id'", ex.Message, StringComparison.Ordinal);
            Assert.Throws<SseFieldException>(() => w.WriteEvent(format, new Point(1, 2, string.Empty), null));
        });

        Assert.Equal(string.Empty, text);
    }

    private static Task<string> WriteWithIdAsync<TId>(TId id)
        where TId : IUtf8SpanFormattable, IFormattable
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Point, eventType: null, eventId: (Point _) => id);
        return WriteAsync(w => w.WriteEvent(format, new Point(1, 2, "a"), format.GetEventType(new Point(1, 2, "a"))));
    }

    /// <summary>A formattable id whose text is whatever it was given: a line break included.</summary>
    private readonly record struct Odd(string Text) : IUtf8SpanFormattable, IFormattable
    {
        public string ToString(string? format, IFormatProvider? formatProvider) => Text;

        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
            Encoding.UTF8.TryGetBytes(Text, utf8Destination, out bytesWritten);
    }

    [Fact]
    public async Task WriteComment_IsACommentLineAndBlankLine()
    {
        Assert.Equal(": ping\n\n", await WriteAsync(static w => w.WriteComment("ping"u8)));
    }

    /// <summary>Every frame the server sends comes from the writer: each kind byte for byte, one space after every colon.</summary>
    [Fact]
    public async Task EveryReservedFrameAndTheHeartbeat_ByteForByte()
    {
        Assert.Equal("event: sse-end\ndata: \n\n", await WriteAsync(static w => w.WriteEnd()));
        Assert.Equal("event: sse-gap\ndata: {\"missed\":12}\n\n", await WriteAsync(static w => w.WriteGap(12)));
        Assert.Equal(": heartbeat\n\n", await WriteAsync(static w => w.WriteHeartbeat()));
        Assert.Equal("event: sse-error\ndata: {\"title\":\"The event stream failed\",\"detail\":\"it broke\"}\n\n", await WriteAsync(static w => w.WriteError("The event stream failed", "it broke")));
        Assert.Equal("event: sse-reset\ndata: {\"title\":\"Cannot resume\",\"detail\":\"too old\",\"lastEventId\":\"e-5\"}\n\n", await WriteAsync(static w => w.WriteReset("e-5", "too old")));
        Assert.Equal("event: sse-reset\ndata: {\"title\":\"Cannot resume\",\"detail\":\"not an id\"}\n\n", await WriteAsync(static w => w.WriteReset(null, "not an id")));
    }

    [Fact]
    public async Task WriteFrame_ATopicsSharedFrame_GoesAfterWhatIsBuffered_AsIs()
    {
        var frame = "id: e-1\ndata: {\"a\":1}\n\n"u8.ToArray();

        var text = await WriteAsync(w =>
        {
            w.WriteEvent(PointFormat, new Point(0, 0, "first"), null, null, null);
            w.WriteFrame(frame);
            w.WriteGap(2);
            w.WriteFrame(frame);
        });

        Assert.Equal("data: {\"X\":0,\"Y\":0,\"Label\":\"first\"}\n\nid: e-1\ndata: {\"a\":1}\n\nevent: sse-gap\ndata: {\"missed\":2}\n\nid: e-1\ndata: {\"a\":1}\n\n", text);
    }

    private static string[] Repeat(Func<int, string> f) => [f(0), f(1), f(2)];

    private static async Task<string> WriteAsync(Action<SseFrameWriter> write, System.Text.Encodings.Web.JavaScriptEncoder? encoder = null)
    {
        var stream = new MemoryStream();
        var pipe = PipeWriter.Create(stream);
        try
        {
            using var writer = new SseFrameWriter(pipe, encoder);
            write(writer);
        }
        finally
        {
            await pipe.FlushAsync();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

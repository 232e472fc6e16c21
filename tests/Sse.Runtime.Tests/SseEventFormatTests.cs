using System;
using System.Text;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

public class SseEventFormatTests
{
    private static readonly byte[] PointJson = Encoding.UTF8.GetBytes("{\"X\":1,\"Y\":2,\"Label\":\"a\"}");

    [Fact]
    public void Unnamed_ReadsMessageEventsOnly()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Point);

        Assert.True(format.TryDeserialize("message", PointJson, out var point));
        Assert.Equal(new Point(1, 2, "a"), point);
        Assert.False(format.TryDeserialize("other", PointJson, out _));
        Assert.Null(format.GetEventType(point!));
        Assert.Null(format.GetEventId(point!));
    }

    [Fact]
    public void Named_ReadsItsNameOnly()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Point, eventType: "point");

        Assert.True(format.TryDeserialize("point", PointJson, out _));
        Assert.False(format.TryDeserialize("message", PointJson, out _));
        Assert.False(format.TryDeserialize("Point", PointJson, out _));
    }

    [Fact]
    public void ReadsAnyEventType_ReadsEveryName()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Point, eventType: "point", readsAnyEventType: true);

        Assert.True(format.TryDeserialize("whatever", PointJson, out _));
        Assert.Equal("point", format.GetEventType(new Point(0, 0, "")));
    }

    [Fact]
    public void InvalidJson_ThrowsJsonException()
    {
        var format = SseEventFormat.Json(RuntimeTestJson.Default.Point);

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => format.TryDeserialize("message", "{\"X\":\"no\"}"u8, out _));
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\r")]
    [InlineData("\0")]
    [InlineData("")]
    [InlineData("sse-error")]
    public void InvalidOrReservedEventName_RefusedAtCreation(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => SseEventFormat.Json(RuntimeTestJson.Default.Point, eventType: name));

        Assert.Equal("eventType", ex.ParamName);
        Assert.Throws<ArgumentException>(() => SseEventFormat.Text(eventType: name));
    }
}

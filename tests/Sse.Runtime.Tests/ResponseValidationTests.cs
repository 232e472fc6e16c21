using Xunit;

namespace Sse.Runtime.Tests;

public class ResponseValidationTests
{
    [Theory]
    [InlineData("text/event-stream", "text/event-stream")]
    [InlineData("text/event-stream;", "text/event-stream")]
    [InlineData("Text/Event-Stream; charset=utf-8", "Text/Event-Stream")]
    [InlineData(" text/event-stream ; charset=\"utf-8\"", "text/event-stream")]
    [InlineData("text/event-stream;;;", "text/event-stream")]
    [InlineData("application/json", "application/json")]
    [InlineData(null, null)]
    public void MediaTypeOf_IsTheTypeBeforeAnyParameter(string? contentType, string? expected) =>
        Assert.Equal(expected, SseResponseValidator.MediaTypeOf(contentType));
}

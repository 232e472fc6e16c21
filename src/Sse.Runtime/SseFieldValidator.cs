using System;

namespace Sse.Runtime;

/// <summary>
/// Guards the single-line fields of a frame. An <c>event</c> or <c>id</c> value with CR or LF would end the field
/// early and let the rest of the value forge fields or whole events; NUL in an id makes clients ignore it.
/// </summary>
internal static class SseFieldValidator
{
    public static void ValidateEventType(string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            ThrowHelper.ThrowInvalidField("event", value);
        }
    }

    public static void ValidateEventId(string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            ThrowHelper.ThrowInvalidField("id", value);
        }
    }
}

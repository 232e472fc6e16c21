using System.Diagnostics.CodeAnalysis;

namespace Sse.Runtime.AspNetCore;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidField(string field, string value, string reason) =>
        throw new SseFieldException(field, value, reason);
}

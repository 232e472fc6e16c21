using System;
using System.Diagnostics.CodeAnalysis;

namespace Sse.Runtime;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowNoBaseAddress(string relativeUri) =>
        throw new InvalidOperationException(
            $"Cannot send the request for '{relativeUri}': the HttpClient has no BaseAddress. " +
            "Set it when registering the client, e.g. services.AddXxxClient(http => http.BaseAddress = new Uri(\"http://localhost:5000\")).");
}

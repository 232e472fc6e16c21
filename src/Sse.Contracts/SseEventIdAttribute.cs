using System;

namespace Sse.Contracts;

/// <summary>
/// Marks the property whose value is written as the event's <c>id:</c> field. A client that reconnects sends the
/// last id it saw in the <c>Last-Event-ID</c> header, so a server method can resume after it.
/// </summary>
/// <remarks>On a positional record use <c>[property: SseEventId]</c>.</remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SseEventIdAttribute : Attribute
{
}

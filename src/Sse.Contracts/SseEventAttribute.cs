using System;

namespace Sse.Contracts;

/// <summary>
/// Names the server-sent event (the <c>event:</c> field) written for items of this type. On a type derived from
/// a contract's item type it also tells the client which derived type to deserialize for that event name.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SseEventAttribute : Attribute
{
    /// <summary>Creates the attribute with the event name <paramref name="name"/>.</summary>
    /// <param name="name">The event name; it must not be empty or contain CR, LF or NUL.</param>
    public SseEventAttribute(string name)
    {
        Name = name ?? string.Empty;
    }

    /// <summary>Gets the event name written in the <c>event:</c> field.</summary>
    public string Name { get; }
}

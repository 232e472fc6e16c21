using System;
using System.ComponentModel;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// What the runtime needs to know about one generated endpoint: its display name (for logs and errors) and the
/// event format of its items. Generated code creates one per contract method and keeps it in a static field, so
/// the JSON metadata is looked up once, not per request.
/// </summary>
/// <typeparam name="T">The item type the endpoint streams.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SseEndpointDescriptor<T>
{
    /// <summary>Creates the descriptor.</summary>
    /// <param name="displayName">The endpoint's name, <c>IStockFeed.Prices</c>.</param>
    /// <param name="format">How items become events.</param>
    public SseEndpointDescriptor(string displayName, SseEventFormat<T> format)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(format);
        DisplayName = displayName;
        Format = format;
    }

    /// <summary>Gets the endpoint's name, <c>IStockFeed.Prices</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Gets how items become events.</summary>
    public SseEventFormat<T> Format { get; }
}

using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Runtime.AspNetCore.Infrastructure;

/// <summary>
/// Builds topic names from a template's values, the same way for the generated endpoint and the generated publisher. A
/// value's <c>/</c> and <c>%</c> are percent-encoded, so values can never run into each other: <c>rooms/{a}/{b}</c> with
/// <c>a = "x/y", b = "z"</c> and with <c>a = "x", b = "y/z"</c> are different topics.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseTopicName
{
    /// <summary>A text value, encoded for a topic name.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The encoded value.</returns>
    public static string Value(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        return value.AsSpan().IndexOfAny('/', '%') < 0 ? value : value.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);
    }

    /// <summary>A formattable value (a number, a Guid, an enum), formatted with the invariant culture and encoded.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The encoded value.</returns>
    public static string Value<T>(T value)
        where T : IFormattable => Value(value.ToString(null, CultureInfo.InvariantCulture));

    /// <summary>A nullable formattable value; empty for <see langword="null"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The encoded value.</returns>
    public static string Value<T>(T? value)
        where T : struct, IFormattable => value.HasValue ? Value(value.GetValueOrDefault()) : string.Empty;

    /// <summary>A <see cref="bool"/> value: <c>true</c> or <c>false</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Value(bool value) => value ? "true" : "false";

    /// <summary>A nullable <see cref="bool"/> value; empty for <see langword="null"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Value(bool? value) => value.HasValue ? Value(value.GetValueOrDefault()) : string.Empty;

    /// <summary>The items of an in-process topic subscription, without their event name and id (a topic method of a generated base class).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The subscription.</param>
    /// <param name="cancellationToken">Ends it.</param>
    /// <returns>The items.</returns>
    public static async IAsyncEnumerable<T> DataOf<T>(IAsyncEnumerable<SseItem<T>> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item.Data;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IEdgeFeed))]

namespace Sse.EndToEnd.Tests;

/// <summary>What a value looked like when it arrived, by where it travelled.</summary>
public sealed record Arrived(string Source, string? Value);

/// <summary>An item whose id comes from a string property, which may be empty.</summary>
public sealed record Keyed([property: SseEventId] string? Key, int Value);

/// <summary>Values that are easy to get wrong: optional route parts, text that must round-trip, ids and names the wire refuses.</summary>
[SseStream("/edge", JsonContext = typeof(EdgeJson))]
public interface IEdgeFeed
{
    [SseGet("/optional/{id?}")]
    IAsyncEnumerable<Arrived> OptionalText(string? id = null, CancellationToken cancellationToken = default);

    [SseGet("/optional-number/{id?}")]
    IAsyncEnumerable<Arrived> OptionalNumber(int? id = null, CancellationToken cancellationToken = default);

    [SseGet("/round-trip/{segment}/{*rest}")]
    IAsyncEnumerable<Arrived> RoundTrip(string segment, string rest, string query, [SseHeader("X-Value")] string header, CancellationToken cancellationToken = default);

    /// <summary>Yields <paramref name="good"/> items with ids, then one whose [SseEventId] is empty.</summary>
    [SseGet("/empty-id")]
    IAsyncEnumerable<Keyed> EmptyId(int good, CancellationToken cancellationToken = default);

    /// <summary>Yields one item, then one named with the reserved error event.</summary>
    [SseGet("/reserved-name")]
    IAsyncEnumerable<SseItem<Keyed>> ReservedName(CancellationToken cancellationToken = default);
}

[JsonSerializable(typeof(Arrived))]
[JsonSerializable(typeof(Keyed))]
internal sealed partial class EdgeJson : JsonSerializerContext;

internal sealed class EdgeFeed : IEdgeFeed
{
    public async IAsyncEnumerable<Arrived> OptionalText(string? id = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new Arrived("route", id);
    }

    public async IAsyncEnumerable<Arrived> OptionalNumber(int? id = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new Arrived("route", id?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async IAsyncEnumerable<Arrived> RoundTrip(string segment, string rest, string query, string header, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new Arrived("segment", segment);
        yield return new Arrived("rest", rest);
        yield return new Arrived("query", query);
        yield return new Arrived("header", header);
    }

    public async IAsyncEnumerable<Keyed> EmptyId(int good, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < good; i++)
        {
            await Task.Yield();
            yield return new Keyed("k" + i, i);
        }

        await Task.Yield();
        yield return new Keyed(string.Empty, good);
    }

    public async IAsyncEnumerable<SseItem<Keyed>> ReservedName([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new SseItem<Keyed>(new Keyed("a", 1), "fine");
        await Task.Yield();
        yield return new SseItem<Keyed>(new Keyed("b", 2), "sse-error");
    }
}

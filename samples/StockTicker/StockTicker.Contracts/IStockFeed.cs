using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using Sse.Contracts;

namespace StockTicker;

/// <summary>Live prices and market events.</summary>
[SseStream("/stocks", JsonContext = typeof(StockJson))]
public interface IStockFeed
{
    /// <summary>Streams price ticks for <paramref name="symbol"/>.</summary>
    /// <param name="symbol">The ticker symbol, such as <c>MSFT</c>.</param>
    /// <param name="limit">How many ticks to send; <see langword="null"/> streams until the client leaves.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The ticks, oldest first; each tick's <see cref="PriceTick.Seq"/> is its event id.</returns>
    [SseGet("/prices/{symbol}")]
    IAsyncEnumerable<PriceTick> Prices(string symbol, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Streams trades and quotes, resuming after <paramref name="lastEventId"/>.</summary>
    /// <param name="lastEventId">The id of the last event the client saw, from the <c>Last-Event-ID</c> header.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Trades (<c>event: trade</c>) and quotes (<c>event: quote</c>).</returns>
    [SseGet("/market")]
    IAsyncEnumerable<MarketEvent> Market([LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);
}

/// <summary>One price.</summary>
public sealed record PriceTick(string Symbol, decimal Price, [property: SseEventId] long Seq);

/// <summary>A market event; each derived type is its own event name.</summary>
public abstract record MarketEvent([property: SseEventId] long Seq);

/// <summary>A trade.</summary>
[SseEvent("trade")]
public sealed record Trade(long Seq, string Symbol, decimal Price, int Quantity) : MarketEvent(Seq);

/// <summary>A quote.</summary>
[SseEvent("quote")]
public sealed record Quote(long Seq, string Symbol, decimal Bid, decimal Ask) : MarketEvent(Seq);

/// <summary>
/// The JSON metadata of everything the contract streams. Public, so that other projects can generate code for it. It is
/// the one source of the wire's JSON shape for server, clients and browser pages alike; the web defaults (camelCase)
/// match what the same records look like from a minimal-API endpoint.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PriceTick))]
[JsonSerializable(typeof(Trade))]
[JsonSerializable(typeof(Quote))]
public sealed partial class StockJson : JsonSerializerContext;

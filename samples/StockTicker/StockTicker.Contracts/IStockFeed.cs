using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

namespace StockTicker;

/// <summary>Live prices (published by the server's price feed to every subscriber) and market events.</summary>
[SseStream("/stocks", JsonContext = typeof(StockJson))]
public interface IStockFeed
{
    /// <summary>Streams the price ticks of one symbol, as the server's feed publishes them.</summary>
    /// <param name="symbol">The ticker symbol, such as <c>MSFT</c>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The ticks; a reconnecting client resumes after the last one it received.</returns>
    [SseGet("/prices/{symbol}")]
    [SseTopic("prices/{symbol}")]
    IAsyncEnumerable<PriceTick> Prices(string symbol, CancellationToken cancellationToken = default);

    /// <summary>Streams the price ticks of every symbol.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The ticks of all symbols, in the order they were published.</returns>
    [SseGet("/prices")]
    [SseTopic("prices")]
    IAsyncEnumerable<PriceTick> AllPrices(CancellationToken cancellationToken = default);

    /// <summary>Streams trades and quotes, resuming after <paramref name="lastEventId"/>.</summary>
    /// <param name="lastEventId">The id of the last event the client saw, from the <c>Last-Event-ID</c> header.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Trades (<c>event: trade</c>) and quotes (<c>event: quote</c>).</returns>
    [SseGet("/market")]
    IAsyncEnumerable<MarketEvent> Market([LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);

    /// <summary>The symbols the feed publishes.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The symbols.</returns>
    [SseGet("/symbols")]
    Task<string[]> Symbols(CancellationToken cancellationToken = default);
}

/// <summary>One price of one symbol at one time.</summary>
public sealed record PriceTick(string Symbol, decimal Price, DateTimeOffset At);

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
[JsonSerializable(typeof(string[]))]
public sealed partial class StockJson : JsonSerializerContext;

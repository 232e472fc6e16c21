using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sse.Contracts;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.OpenApi;
using StockTicker;

// The contract lives in StockTicker.Contracts; this line generates its server part (MapStockFeed, StockFeedBase,
// StockFeedPublisher) here.
[assembly: SseServer(typeof(IStockFeed))]

// dotnet run --project samples/StockTicker/StockTicker.Server -- --urls http://127.0.0.1:5000
// then open http://127.0.0.1:5000/ for the live chart, or run the console client.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5000");
builder.Services.AddStockFeedPublisher();                 // the hub and the typed publisher of the two price topics
builder.Services.AddSingleton<IStockFeed, StockFeed>();   // only the methods that are not topics
builder.Services.AddHostedService<PriceFeed>();           // publishes a tick per symbol on a timer
builder.Services.AddSseOpenApi();                         // the OpenAPI document, streams described event by event
var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapStockFeed();
app.MapOpenApi();                                         // /openapi/v1.json
app.Run();

/// <summary>The symbols of the simulated market.</summary>
internal static class Symbols
{
    public static readonly string[] All = ["MSFT", "AAPL", "NVDA", "AMZN"];
}

/// <summary>
/// Publishes a random walk per symbol every <c>TickInterval</c> (milliseconds, from configuration; 250 by default) to
/// the symbol's topic and to the topic of all prices, so the sample needs no data feed. Every page and console client
/// subscribed to either gets the tick.
/// </summary>
internal sealed class PriceFeed(StockFeedPublisher publisher, Microsoft.Extensions.Configuration.IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(int.TryParse(configuration["TickInterval"], out var ms) && ms > 0 ? ms : 250);
        var random = new Random(20261126);
        var prices = new decimal[Symbols.All.Length];
        Array.Fill(prices, 100m);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                for (var i = 0; i < prices.Length; i++)
                {
                    prices[i] = Math.Max(1m, Math.Round(prices[i] * (1 + ((decimal)random.NextDouble() - 0.5m) / 50), 2));
                    var tick = new PriceTick(Symbols.All[i], prices[i], DateTimeOffset.UtcNow);
                    await publisher.Prices(tick.Symbol).PublishAsync(tick, stoppingToken);
                    await publisher.AllPrices().PublishAsync(tick, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// The contract's hand-written part: the topic methods (<c>Prices</c>, <c>AllPrices</c>) come from the generated
/// <c>StockFeedBase</c>, which subscribes the connection to the hub.
/// </summary>
internal sealed class StockFeed(SseHub hub) : StockFeedBase(hub)
{
    public override Task<string[]> Symbols(CancellationToken cancellationToken = default) => Task.FromResult(global::Symbols.All);

    public override async IAsyncEnumerable<MarketEvent> Market(long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Resume after the last event the client saw: nothing lost, nothing twice.
        var seq = (lastEventId ?? -1) + 1;
        var random = new Random();
        for (; ; seq++)
        {
            var price = 100m + random.Next(-500, 500) / 100m;
            yield return seq % 3 == 0
                ? new Trade(seq, "MSFT", price, random.Next(1, 500))
                : new Quote(seq, "MSFT", price - 0.05m, price + 0.05m);
            await Task.Delay(400, cancellationToken);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using StockTicker;

// The contract lives in StockTicker.Contracts; this line generates its server part (MapStockFeed) here.
[assembly: SseServer(typeof(IStockFeed))]

// dotnet run --project samples/StockTicker/StockTicker.Server -- --urls http://127.0.0.1:5000
// then open http://127.0.0.1:5000/ for the browser page, or run the console client.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5000");
builder.Services.AddSingleton<IStockFeed, SimulatedMarket>();
var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapStockFeed();
app.Run();

/// <summary>A random-walk market, so the sample needs no data feed.</summary>
internal sealed class SimulatedMarket : IStockFeed
{
    public async IAsyncEnumerable<PriceTick> Prices(string symbol, int? limit = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var random = new Random(symbol.GetHashCode(StringComparison.Ordinal));
        var price = 100m;
        for (var seq = 0L; limit is null || seq < limit; seq++)
        {
            price = Math.Round(price * (1 + ((decimal)random.NextDouble() - 0.5m) / 50), 2);
            yield return new PriceTick(symbol.ToUpperInvariant(), price, seq);
            await Task.Delay(250, cancellationToken);
        }
    }

    public async IAsyncEnumerable<MarketEvent> Market(long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
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

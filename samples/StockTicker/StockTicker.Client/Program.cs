using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using StockTicker;

// The contract lives in StockTicker.Contracts; this line generates its client part (StockFeedClient) here.
// A console app: no ASP.NET Core anywhere.
[assembly: SseClient(typeof(IStockFeed))]

// dotnet run --project samples/StockTicker/StockTicker.Client -- http://127.0.0.1:5000 [count]
var server = args.FirstOrDefault() ?? "http://127.0.0.1:5000";
var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;

var services = new ServiceCollection();
services.AddStockFeedClient(http => http.BaseAddress = new Uri(server));
await using var provider = services.BuildServiceProvider();
var feed = provider.GetRequiredService<IStockFeed>();

await foreach (var tick in feed.Prices("msft", limit: count))
{
    Console.WriteLine($"#{tick.Seq} {tick.Symbol} {tick.Price}");
}

var events = 0;
await foreach (var marketEvent in feed.Market())
{
    Console.WriteLine(marketEvent switch
    {
        Trade t => $"trade #{t.Seq}: {t.Quantity} {t.Symbol} @ {t.Price}",
        Quote q => $"quote #{q.Seq}: {q.Symbol} {q.Bid} / {q.Ask}",
        _ => marketEvent.ToString(),
    });

    if (++events == count)
    {
        break;
    }
}

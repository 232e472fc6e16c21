using System;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using StockTicker;

// The contract lives in StockTicker.Contracts; this line generates its client part (StockFeedClient) here.
// A console app: no ASP.NET Core anywhere.
[assembly: SseClient(typeof(IStockFeed))]

// dotnet run --project samples/StockTicker/StockTicker.Client -- [server] [symbol|all] [count]
//   e.g. -- http://127.0.0.1:5000 MSFT 10
var server = args.Length > 0 ? args[0] : "http://127.0.0.1:5000";
var symbol = args.Length > 1 && !string.Equals(args[1], "all", StringComparison.OrdinalIgnoreCase) ? args[1].ToUpperInvariant() : null;
var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;

var services = new ServiceCollection();
services.AddStockFeedClient(http => http.BaseAddress = new Uri(server));
await using var provider = services.BuildServiceProvider();
var feed = provider.GetRequiredService<IStockFeed>();

var symbols = await feed.Symbols();
Console.WriteLine($"symbols: {string.Join(", ", symbols)}");
if (symbol is not null && !symbols.Contains(symbol))
{
    Console.Error.WriteLine($"Unknown symbol '{symbol}'; the server publishes {string.Join(", ", symbols)}.");
    return 2;
}

// A topic stream: it reconnects by itself and resumes after the last tick it received if the connection drops.
var ticks = symbol is null ? feed.AllPrices() : feed.Prices(symbol);
var received = 0;
await foreach (var tick in ticks)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tick.At:HH:mm:ss.fff} {tick.Symbol,-5} {tick.Price,10:F2}"));
    if (++received == count)
    {
        break;
    }
}

return 0;

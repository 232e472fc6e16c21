using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Contracts;
using StockTicker;
using Xunit;

// The contract is declared in the StockTicker.Contracts library; both parts are generated here, on request.
[assembly: SseServer(typeof(IStockFeed))]
[assembly: SseClient(typeof(IStockFeed))]

namespace Sse.EndToEnd.Tests;

/// <summary>A contract from a referenced library, served and consumed through [assembly: SseServer/SseClient].</summary>
public sealed class SharedContractTests
{
    [Fact]
    public async Task ReferencedContract_GeneratedServerAndClient_Stream()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IStockFeed, FixedMarket>();
        await using var app = builder.Build();
        app.MapStockFeed();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        using var http = new System.Net.Http.HttpClient { BaseAddress = address };
        var feed = new StockFeedClient(http);

        var ticks = new List<PriceTick>();
        await foreach (var tick in feed.Prices("msft", limit: 3).WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
        {
            ticks.Add(tick);
        }

        Assert.Equal([new PriceTick("MSFT", 1m, 0), new PriceTick("MSFT", 2m, 1), new PriceTick("MSFT", 3m, 2)], ticks);

        var events = new List<StockTicker.MarketEvent>();
        await foreach (var marketEvent in feed.Market(lastEventId: 9))
        {
            events.Add(marketEvent);
        }

        Assert.Equal([new StockTicker.Trade(10, "MSFT", 1m, 5), new StockTicker.Quote(11, "MSFT", 0.9m, 1.1m)], events);
        await app.StopAsync();
    }

    private sealed class FixedMarket : IStockFeed
    {
        public async IAsyncEnumerable<PriceTick> Prices(string symbol, int? limit = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < limit; i++)
            {
                await Task.Yield();
                yield return new PriceTick(symbol.ToUpperInvariant(), i + 1, i);
            }
        }

        public async IAsyncEnumerable<StockTicker.MarketEvent> Market(long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var next = (lastEventId ?? -1) + 1;
            await Task.Yield();
            yield return new StockTicker.Trade(next, "MSFT", 1m, 5);
            yield return new StockTicker.Quote(next + 1, "MSFT", 0.9m, 1.1m);
        }
    }
}

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
    public async Task ReferencedContract_GeneratedServerAndClient_TopicsCommandsAndStreams()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddStockFeedPublisher();
        builder.Services.AddSingleton<IStockFeed, FixedMarket>();
        await using var app = builder.Build();
        app.MapStockFeed();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var publisher = app.Services.GetRequiredService<StockFeedPublisher>();

        using var http = new System.Net.Http.HttpClient { BaseAddress = address };
        var feed = new StockFeedClient(http);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        Assert.Equal(["MSFT", "AAPL"], await feed.Symbols(timeout.Token));

        // Ticks published before anyone subscribed are in the topic's log; a subscriber without an id starts live.
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        await using var msft = feed.Prices("MSFT", timeout.Token).GetAsyncEnumerator(timeout.Token);
        var first = msft.MoveNextAsync();
        await WaitForAsync(() => publisher.Prices("MSFT").SubscriberCount == 1, timeout.Token);
        await using var all = feed.AllPrices(timeout.Token).GetAsyncEnumerator(timeout.Token);
        var firstOfAll = all.MoveNextAsync();
        await WaitForAsync(() => publisher.AllPrices().SubscriberCount == 1, timeout.Token);

        PriceTick[] published = [new("MSFT", 1m, at), new("AAPL", 2m, at), new("MSFT", 3m, at.AddSeconds(1))];
        foreach (var tick in published)
        {
            await publisher.Prices(tick.Symbol).PublishAsync(tick, timeout.Token);
            await publisher.AllPrices().PublishAsync(tick, timeout.Token);
        }

        Assert.True(await first);
        Assert.Equal(published[0], msft.Current);
        Assert.True(await msft.MoveNextAsync());
        Assert.Equal(published[2], msft.Current);

        Assert.True(await firstOfAll);
        var received = new List<PriceTick> { all.Current };
        while (received.Count < 3 && await all.MoveNextAsync())
        {
            received.Add(all.Current);
        }

        Assert.Equal(published, received);

        var events = new List<StockTicker.MarketEvent>();
        await foreach (var marketEvent in feed.Market(lastEventId: 9, timeout.Token))
        {
            events.Add(marketEvent);
        }

        Assert.Equal([new StockTicker.Trade(10, "MSFT", 1m, 5), new StockTicker.Quote(11, "MSFT", 0.9m, 1.1m)], events);
        await app.StopAsync();
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    private sealed class FixedMarket(Sse.Runtime.AspNetCore.SseHub hub) : StockFeedBase(hub)
    {
        public override Task<string[]> Symbols(CancellationToken cancellationToken = default) => Task.FromResult<string[]>(["MSFT", "AAPL"]);

        public override async IAsyncEnumerable<StockTicker.MarketEvent> Market(long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var next = (lastEventId ?? -1) + 1;
            await Task.Yield();
            yield return new StockTicker.Trade(next, "MSFT", 1m, 5);
            yield return new StockTicker.Quote(next + 1, "MSFT", 0.9m, 1.1m);
        }
    }
}

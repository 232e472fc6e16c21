using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Sse.Loopback.Grpc;

namespace Sse.Loopback;

/// <summary>
/// What a user would otherwise pick, served by the benchmark's server beside our endpoints: gRPC server streaming
/// (HTTP/2) and a SignalR hub (WebSockets, JSON protocol) with an <see cref="IAsyncEnumerable{T}"/> stream and
/// <c>Clients.All</c> broadcasts. Each is written as its documentation shows, with its defaults.
/// </summary>
internal static class PeerEndpoints
{
    public static void AddPeers(this IServiceCollection services)
    {
        services.AddGrpc();
        services.AddSignalR().AddJsonProtocol(static options => options.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, LoopbackJson.Default));
    }

    public static void MapPeers(this WebApplication app)
    {
        app.MapGrpcService<GrpcBench>();
        app.MapHub<StreamHub>("/hub");
    }

    /// <summary>Broadcasts one tick to every SignalR connection.</summary>
    public static Task BroadcastSignalRAsync(IServiceProvider services, Tick tick) =>
        services.GetRequiredService<IHubContext<StreamHub>>().Clients.All.SendAsync("tick", tick);
}

/// <summary>gRPC server streaming: one message per quote, each written with the default options (flushed).</summary>
internal sealed class GrpcBench : Bench.BenchBase
{
    public override async Task Items(ItemsRequest request, IServerStreamWriter<QuoteMessage> responseStream, ServerCallContext context)
    {
        foreach (var quote in StreamBench.Quotes(request.Count))
        {
            await responseStream.WriteAsync(new QuoteMessage { Seq = quote.Seq, Symbol = quote.Symbol, Price = (double)quote.Price });
        }
    }
}

/// <summary>The SignalR peer: a hub stream of quotes, and connections that only listen for broadcasts.</summary>
internal sealed class StreamHub : Hub
{
    private static int s_connections;

    /// <summary>Gets how many connections the hub holds.</summary>
    public static int Connections => Volatile.Read(ref s_connections);

    public override Task OnConnectedAsync()
    {
        Interlocked.Increment(ref s_connections);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Interlocked.Decrement(ref s_connections);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<Quote> Items(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var quote in StreamBench.Quotes(count))
        {
            yield return quote;
        }
    }
}

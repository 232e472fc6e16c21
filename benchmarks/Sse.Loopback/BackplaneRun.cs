using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Contracts;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.Redis;
using Sse.Tests;

[assembly: SseClient(typeof(Sse.Loopback.IFanOut))]

namespace Sse.Loopback;

/// <summary>
/// Several servers on Redis, beside PostgreSQL and beside what a user would otherwise pick, SignalR with its Redis
/// backplane, in one run on one throwaway redis-server (AOF on): an outage (one server's connection to Redis cut by a
/// TCP proxy while another server publishes) counting what each client lost; publishes per second; publish → received
/// on another server; Redis connections and PUB/SUB channels per server with few and many subscribers.
/// </summary>
internal static class BackplaneRun
{
    public static async Task RunAsync(int publishes, int latencySamples, int[] subscriberCounts, int[] signalRSubscriberCounts, int outageSeconds)
    {
        // AOF with Redis's default fsync (every second), as most run it; SSE_REDIS_FSYNC=always for every write on disk.
        var fsync = Environment.GetEnvironmentVariable("SSE_REDIS_FSYNC") ?? "everysec";
        await using var redis = await RedisServer.StartAsync(appendOnly: true, appendFsync: fsync);
        Console.WriteLine($"several servers: Redis {(await redis.CommandAsync("INFO", "server")).Split('\n').FirstOrDefault(static l => l.StartsWith("redis_version", StringComparison.Ordinal))?.Trim()} (throwaway, appendonly yes, appendfsync {fsync}, on 127.0.0.1), {Environment.ProcessorCount} cores; servers in this process on Kestrel");
        Console.WriteLine();

        Console.WriteLine($"Outage: server b's connection to Redis cut for {outageSeconds} s while server a publishes one event every 20 ms; one client on b.");
        Console.WriteLine();
        Console.WriteLine("| backplane | published | received by the client | lost | duplicated | signalled |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
        Console.WriteLine(await OursOutageAsync(redis, outageSeconds));
        Console.WriteLine(await SignalROutageAsync(redis, outageSeconds));
        Console.WriteLine();

        Console.WriteLine("| log | publishes/s, 8 publishers on 8 topics | 64 publishers on 64 topics | publish → received on another server p50 / p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var memoryOptions = Options.Create(new SseHubOptions());
        using (var memory = new SseHub(new InMemorySseTopicLog(memoryOptions), memoryOptions))
        {
            Console.WriteLine(PostgresRun.Row("in-memory (one server)", await PostgresRun.PublishRateAsync(memory, publishes, 8), await PostgresRun.PublishRateAsync(memory, publishes, 64), await PostgresRun.LatencyAsync(memory, memory, latencySamples)));
        }

        if (PostgresCluster.FindBin() is not null)
        {
            await using var cluster = await PostgresCluster.StartAsync();
            var (publisherHub, publisherLog) = await PostgresRun.CreateAsync(cluster);
            var (subscriberHub, subscriberLog) = await PostgresRun.CreateAsync(cluster);
            await using (publisherLog)
            await using (subscriberLog)
            {
                Console.WriteLine(PostgresRun.Row("PostgreSQL (fsync off)", await PostgresRun.PublishRateAsync(publisherHub, publishes, 8), await PostgresRun.PublishRateAsync(publisherHub, publishes, 64), await PostgresRun.LatencyAsync(publisherHub, subscriberHub, latencySamples)));
            }
        }

        var prefix = "bench" + Guid.NewGuid().ToString("N")[..6] + ":";
        await using (var publisherLog = await CreateRedisLogAsync(redis.Configuration, prefix))
        await using (var subscriberLog = await CreateRedisLogAsync(redis.Configuration, prefix))
        {
            var hubOptions = Options.Create(new SseHubOptions());
            using var publisherHub = new SseHub(publisherLog, hubOptions);
            using var subscriberHub = new SseHub(subscriberLog, hubOptions);
            Console.WriteLine(PostgresRun.Row("**Redis** (this library)", await PostgresRun.PublishRateAsync(publisherHub, publishes, 8), await PostgresRun.PublishRateAsync(publisherHub, publishes, 64), await PostgresRun.LatencyAsync(publisherHub, subscriberHub, latencySamples)));
        }

        Console.WriteLine(await SignalRRatesAsync(redis, publishes, latencySamples));
        Console.WriteLine();

        Console.WriteLine("| backplane | subscribers on the server | Redis connections of the server | PUB/SUB channels it subscribes |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var count in subscriberCounts)
        {
            Console.WriteLine(await OursConnectionsAsync(redis, count));
        }

        // SignalR's clients are HubConnections in this process (WebSockets), heavier than a stream: at 5,000 the run
        // ran out of memory on the 2-core machine, so its counts are their own parameter.
        foreach (var count in signalRSubscriberCounts)
        {
            Console.WriteLine(await SignalRConnectionsAsync(redis, count));
        }
    }

    private static async Task<RedisSseTopicLog> CreateRedisLogAsync(string configuration, string prefix)
    {
        var log = new RedisSseTopicLog(Options.Create(new SseRedisOptions { Configuration = configuration, KeyPrefix = prefix }), Options.Create(new SseHubOptions()));
        await log.InitializeAsync();
        return log;
    }

    /// <summary>Publishes one event every 20 ms: two seconds, then the cut for <paramref name="outageSeconds"/>, then two seconds more.</summary>
    private static async Task<int> PublishThroughOutageAsync(TcpBalancer proxy, int outageSeconds, Func<long, Task> publish)
    {
        var total = (outageSeconds + 4) * 50;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var seq = 0; seq < total; seq++)
        {
            if (seq == 100)
            {
                proxy.Cut();
            }
            else if (seq == 100 + (outageSeconds * 50))
            {
                proxy.Restore();
            }

            await publish(seq);
            await timer.WaitForNextTickAsync();
        }

        return total;
    }

    private static async Task<string> OursOutageAsync(RedisServer redis, int outageSeconds)
    {
        var prefix = "outage" + Guid.NewGuid().ToString("N")[..6] + ":";
        await using var proxy = new TcpBalancer(redis.Port);
        await using var a = await Node.StartSseAsync(redis.Configuration, prefix);
        await using var b = await Node.StartSseAsync(RedisServer.ConfigurationFor(proxy.Port), prefix);
        using var http = new HttpClient { BaseAddress = b.Address };
        var received = new List<long>();
        var signalled = "none";
        using var done = new CancellationTokenSource();
        await using var subscription = await new FanOutClient(http, new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(100) }).Topic().ConnectAsync(done.Token);
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var tick in subscription.WithCancellation(done.Token))
                {
                    lock (received)
                    {
                        received.Add(tick.Seq);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SseResumeRejectedException)
            {
                signalled = "sse-reset";
            }
        });

        var topic = a.Services.GetRequiredService<FanOutPublisher>().Topic();
        var total = await PublishThroughOutageAsync(proxy, outageSeconds, async seq => await topic.PublishAsync(new Tick(seq, DateTime.UtcNow.Ticks)));
        await WaitForAsync(() => { lock (received) { return received.Count >= total; } }, TimeSpan.FromSeconds(15));
        await done.CancelAsync();
        await reading;
        return Outcome("**Redis** (this library)", total, received, signalled);
    }

    private static async Task<string> SignalROutageAsync(RedisServer redis, int outageSeconds)
    {
        var prefix = "outage" + Guid.NewGuid().ToString("N")[..6];
        await using var proxy = new TcpBalancer(redis.Port);
        await using var a = await Node.StartSignalRAsync(redis.Configuration, prefix, "signalr-a");
        await using var b = await Node.StartSignalRAsync(RedisServer.ConfigurationFor(proxy.Port), prefix, "signalr-b");
        var received = new List<long>();
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(b.Address, "/hub")).WithAutomaticReconnect().Build();
        connection.On<long>("tick", seq =>
        {
            lock (received)
            {
                received.Add(seq);
            }
        });
        await connection.StartAsync();
        var hub = a.Services.GetRequiredService<IHubContext<BenchHub>>();
        var total = await PublishThroughOutageAsync(proxy, outageSeconds, seq => hub.Clients.All.SendAsync("tick", seq));
        await WaitForAsync(() => { lock (received) { return received.Count >= total; } }, TimeSpan.FromSeconds(15));
        return Outcome("SignalR, Redis backplane (`Microsoft.AspNetCore.SignalR.StackExchangeRedis` 10.0.12)", total, received, "none");
    }

    private static string Outcome(string name, int total, List<long> received, string signalled)
    {
        lock (received)
        {
            var distinct = received.Distinct().Count();
            return string.Create(CultureInfo.InvariantCulture, $"| {name} | {total:N0} | {distinct:N0} | {total - distinct:N0} | {received.Count - distinct:N0} | {signalled} |");
        }
    }

    private static async Task<string> SignalRRatesAsync(RedisServer redis, int publishes, int latencySamples)
    {
        var prefix = "rate" + Guid.NewGuid().ToString("N")[..6];
        await using var a = await Node.StartSignalRAsync(redis.Configuration, prefix, "signalr-a");
        await using var b = await Node.StartSignalRAsync(redis.Configuration, prefix, "signalr-b");
        var hub = a.Services.GetRequiredService<IHubContext<BenchHub>>();

        async Task<double> RateAsync(int publishers)
        {
            async Task PublishManyAsync(int publisher, int count)
            {
                for (var i = 0; i < count; i++)
                {
                    await hub.Clients.Group("rate-" + publisher.ToString(CultureInfo.InvariantCulture)).SendAsync("tick", "{\"seq\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"symbol\":\"MSFT\"}");
                }
            }

            await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => PublishManyAsync(p, 200)));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => PublishManyAsync(p, publishes / publishers)));
            return publishes / publishers * publishers / clock.Elapsed.TotalSeconds;
        }

        var rate = await RateAsync(8);
        var wideRate = await RateAsync(64);

        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(b.Address, "/hub")).Build();
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<long>("tick", _ => Volatile.Read(ref next).TrySetResult());
        await connection.StartAsync();
        var latencies = new List<double>();
        for (var i = 0; i < latencySamples + 20; i++)
        {
            var clock = Stopwatch.StartNew();
            await hub.Clients.All.SendAsync("tick", (long)i);
            await next.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var elapsed = clock.Elapsed.TotalMilliseconds;
            Volatile.Write(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (i >= 20)
            {
                latencies.Add(elapsed);
            }

            await Task.Delay(5);
        }

        return PostgresRun.Row("SignalR, Redis backplane (`Clients.Group` / `Clients.All`)", rate, wideRate, [.. latencies.Order()]);
    }

    private static async Task<string> OursConnectionsAsync(RedisServer redis, int subscribers)
    {
        var prefix = "conn" + Guid.NewGuid().ToString("N")[..6] + ":";
        var name = "sse-" + Guid.NewGuid().ToString("N")[..6];
        await using var node = await Node.StartSseAsync(redis.Configuration + ",name=" + name, prefix);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = node.Address };
        var client = new FanOutClient(http);
        var subscriptions = new List<IAsyncDisposable>();
        for (var i = 0; i < subscribers; i++)
        {
            subscriptions.Add(await client.Topic().ConnectAsync());
        }

        var (held, channels) = (await ConnectionsNamedAsync(redis, name), await ChannelsAsync(redis, prefix + "*"));
        var line = string.Create(CultureInfo.InvariantCulture, $"| **Redis** (this library), one topic | {subscribers:N0} | {held} | {channels} |");
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        return line;
    }

    private static async Task<string> SignalRConnectionsAsync(RedisServer redis, int subscribers)
    {
        var prefix = "conn" + Guid.NewGuid().ToString("N")[..6];
        var name = "signalr-" + Guid.NewGuid().ToString("N")[..6];
        await using var node = await Node.StartSignalRAsync(redis.Configuration, prefix, name);
        var connections = new List<HubConnection>();
        for (var i = 0; i < subscribers; i++)
        {
            var connection = new HubConnectionBuilder().WithUrl(new Uri(node.Address, "/hub")).Build();
            connection.On<long>("tick", static _ => { });
            await connection.StartAsync();
            connections.Add(connection);
        }

        var (held, channels) = (await ConnectionsNamedAsync(redis, name), await ChannelsAsync(redis, prefix + "*"));
        var line = string.Create(CultureInfo.InvariantCulture, $"| SignalR, Redis backplane, `Clients.All` | {subscribers:N0} | {held} | {channels} |");
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        return line;
    }

    private static async Task<int> ConnectionsNamedAsync(RedisServer redis, string name) =>
        (await redis.CommandAsync("CLIENT", "LIST")).Split('\n').Count(line => line.Contains(" name=" + name + " ", StringComparison.Ordinal));

    /// <summary>The number of PUB/SUB channels matching a pattern (the reply to PUBSUB CHANNELS is an array).</summary>
    private static async Task<int> ChannelsAsync(RedisServer redis, string pattern)
    {
        var reply = await redis.CommandAsync("PUBSUB", "CHANNELS", pattern);
        return int.Parse(reply.AsSpan(1, reply.IndexOf('\r', StringComparison.Ordinal) - 1), CultureInfo.InvariantCulture);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>A server of the run, in this process on Kestrel at 127.0.0.1.</summary>
    private sealed class Node(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public IServiceProvider Services => app.Services;

        public static async Task<Node> StartSseAsync(string configuration, string prefix)
        {
            var builder = CreateBuilder();
            builder.Services.AddFanOutPublisher();
            builder.Services.AddSseRedis(configuration, options => options.KeyPrefix = prefix);
            var app = builder.Build();
            app.MapFanOut();
            return await StartAsync(app);
        }

        public static async Task<Node> StartSignalRAsync(string configuration, string prefix, string clientName)
        {
            var builder = CreateBuilder();
            builder.Services.AddSignalR().AddStackExchangeRedis(configuration, options =>
            {
                options.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(prefix);
                options.Configuration.ClientName = clientName;
            });
            var app = builder.Build();
            app.MapHub<BenchHub>("/hub");
            return await StartAsync(app);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        private static WebApplicationBuilder CreateBuilder()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(static options =>
            {
                options.Listen(IPAddress.Loopback, 0);
                options.Limits.MaxConcurrentConnections = null;
            });
            builder.Services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, LoopbackJson.Default));
            return builder;
        }

        private static async Task<Node> StartAsync(WebApplication app)
        {
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Node(app, new Uri(address));
        }
    }
}

/// <summary>The SignalR peer's hub: clients only listen.</summary>
internal sealed class BenchHub : Hub;

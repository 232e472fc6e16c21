using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.PostgreSql;
using Sse.Runtime.Infrastructure;
using Sse.Tests;

namespace Sse.Loopback;

/// <summary>
/// Topics through PostgreSQL beside the in-memory hub, on a throwaway cluster (Debian's packages, fsync off as the
/// tests run it): publishes per second with concurrent publishers, and publish → receive latency from one hub to
/// another, each with its own data source and listening connection (two servers, in one process).
/// </summary>
internal static class PostgresRun
{
    private static readonly SseEventFormat<string> Text = SseEventFormat.Text();

    public static async Task RunAsync(int publishes, int latencySamples)
    {
        await using var cluster = await PostgresCluster.StartAsync();
        Console.WriteLine($"topics through PostgreSQL (throwaway cluster on 127.0.0.1, {(PostgresCluster.Durable ? "fsync and synchronous commit on" : "fsync off; SSE_PG_DURABLE=1 for commits that wait for the disk")}) beside the in-memory hub; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| log | publishes/s, 8 publishers on 8 topics | 64 publishers on 64 topics | publish → received on another hub p50 / p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");

        var memoryOptions = Options.Create(new SseHubOptions());
        var memory = new SseHub(new InMemorySseTopicLog(memoryOptions), memoryOptions);
        var memoryRate = await PublishRateAsync(memory, publishes, 8);
        var memoryWideRate = await PublishRateAsync(memory, publishes, 64);
        var memoryLatency = await LatencyAsync(memory, memory, latencySamples);
        Console.WriteLine(Row("in-memory (one server)", memoryRate, memoryWideRate, memoryLatency));

        var (publisherHub, publisherLog) = await CreateAsync(cluster);
        var (subscriberHub, subscriberLog) = await CreateAsync(cluster);
        await using (publisherLog)
        await using (subscriberLog)
        {
            var rate = await PublishRateAsync(publisherHub, publishes, 8);
            var wideRate = await PublishRateAsync(publisherHub, publishes, 64);
            var latency = await LatencyAsync(publisherHub, subscriberHub, latencySamples);
            Console.WriteLine(Row("**PostgreSQL** (across servers)", rate, wideRate, latency));
        }
    }

    internal static string Row(string name, double rate, double wideRate, double[] latency) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {rate:N0} | {wideRate:N0} | {Percentile(latency, 0.5):F2} / {Percentile(latency, 0.99):F2} ms |");

    internal static async Task<(SseHub, PostgreSqlSseTopicLog)> CreateAsync(PostgresCluster cluster)
    {
        var hubOptions = Options.Create(new SseHubOptions());
        var log = new PostgreSqlSseTopicLog(Options.Create(new SsePostgreSqlOptions { ConnectionString = cluster.ConnectionString + ";Maximum Pool Size=50" }), hubOptions);
        await log.InitializeAsync();
        return (new SseHub(log, hubOptions), log);
    }

    /// <summary>Concurrent publishers, each awaiting its publishes one after another on a topic of its own.</summary>
    internal static async Task<double> PublishRateAsync(SseHub hub, int publishes, int publishers)
    {
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => PublishManyAsync(hub, $"rate-{p}", 200))); // warm-up
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => PublishManyAsync(hub, $"rate-{p}", publishes / publishers)));
        return publishes / publishers * publishers / clock.Elapsed.TotalSeconds;
    }

    private static async Task PublishManyAsync(SseHub hub, string topic, int count)
    {
        var handle = hub.Topic(topic, Text);
        for (var i = 0; i < count; i++)
        {
            await handle.PublishAsync("{\"seq\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"symbol\":\"MSFT\"}");
        }
    }

    /// <summary>One publish at a time, 5 ms apart; the time from starting the publish to the subscriber having it.</summary>
    internal static async Task<double[]> LatencyAsync(SseHub publisher, SseHub subscriber, int samples)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var topic = "latency-" + Guid.NewGuid().ToString("N")[..8];
        await using var subscription = subscriber.Topic(topic, Text).SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var next = subscription.MoveNextAsync();
        while (subscriber.GetSubscriberCount(topic) == 0)
        {
            await Task.Delay(5, cts.Token);
        }

        var latencies = new List<double>();
        for (var i = 0; i < samples + 20; i++)
        {
            var clock = Stopwatch.StartNew();
            await publisher.Topic(topic, Text).PublishAsync(i.ToString(CultureInfo.InvariantCulture), cts.Token);
            await next;
            var elapsed = clock.Elapsed.TotalMilliseconds;
            next = subscription.MoveNextAsync();
            if (i >= 20)
            {
                latencies.Add(elapsed);
            }

            await Task.Delay(5, cts.Token);
        }

        // An async iterator is disposed only when no MoveNextAsync is pending: end the subscription first.
        await cts.CancelAsync();
        try
        {
            await next;
        }
        catch (OperationCanceledException)
        {
        }

        return [.. latencies.Order()];
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Tasks;

namespace Sse.Loopback;

/// <summary>
/// Many subscribers on one node: 10,000 to 100,000 streams held by <see cref="RawSubscribers"/> (raw sockets from
/// several loopback addresses), the server in its own process. For each count: a bare held-open connection (what
/// Kestrel holds for any open response) and our topic endpoint, each in a fresh server: the connect rate, the managed
/// heap and RSS per idle subscriber, then broadcasts to all of them (publish → received p50 / p99 / max, server CPU per
/// delivery, GC pause), then every subscriber leaves and the server must be back to no subscribers and its heap from
/// before (what leaked). Bounded: every wait has a deadline, and the run stops by itself.
/// </summary>
internal static class ScaleRun
{
    private const int Warmup = 3;

    public static async Task RunAsync(int[] counts, int broadcasts)
    {
        var most = 0;
        foreach (var count in counts)
        {
            most = Math.Max(most, count);
        }

        // Both processes hold one socket per subscriber (and a few hundred files of their own); the server inherits this.
        const int Reserve = 1_000;
        var limit = FileLimit.Raise((ulong)most + Reserve);
        var reachable = (int)Math.Min(int.MaxValue, limit) - Reserve;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"subscribers on one node: raw-socket subscribers from {(Math.Min(most, reachable) + 4_999) / 5_000} loopback source addresses, server in its own process; {Environment.ProcessorCount} cores; open-file limit {limit:N0} for this run (both processes); {broadcasts} broadcasts after {Warmup} warm-up"));
        if (reachable < most)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"limit: each process needs one open file per subscriber, and its hard RLIMIT_NOFILE here is {limit:N0}, which it may not raise (that needs CAP_SYS_RESOURCE or root outside a container: `ulimit -Hn`). Counts above {reachable:N0} are not reachable on this machine; the run measures {reachable:N0} instead."));
            var capped = new System.Collections.Generic.List<int>();
            foreach (var count in counts)
            {
                var target = Math.Min(count, reachable);
                if (!capped.Contains(target))
                {
                    capped.Add(target);
                }
            }

            counts = [.. capped];
        }

        Console.WriteLine();
        Console.WriteLine("| subscribers | endpoint | connect rate | managed heap per idle subscriber | RSS per idle subscriber | publish → all received p50 / p99 / max | server CPU per delivery (user + kernel) | server GC pause during the broadcasts | failed / short | after all left: subscribers held, heap kept per subscriber after one round / after a second |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var count in counts)
        {
            var bare = await MeasureAsync("bare", count, 0);
            Console.WriteLine(Row(count, "bare held-open connection (Kestrel only)", bare, null));
            var topic = await MeasureAsync("topic", count, broadcasts);
            Console.WriteLine(Row(count, "**Sse.Contracts topic**", topic, bare));
        }
    }

    /// <summary>
    /// The same counts as streams of HTTP/2 connections, as behind a proxy that multiplexes its clients: the open-file
    /// limit does not bound them (a connection holds as many streams as the server allows), so this is how 100,000
    /// subscribers fit on this machine.
    /// </summary>
    public static async Task RunHttp2Async(int[] counts, int broadcasts)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"subscribers on one node over HTTP/2: every subscriber a stream of one connection (prior knowledge, no TLS; the server allows 100,000 streams a connection), server in its own process; {Environment.ProcessorCount} cores; {broadcasts} broadcasts after {Warmup} warm-up"));
        Console.WriteLine();
        Console.WriteLine("| subscribers | endpoint | connect rate | managed heap per idle subscriber | RSS per idle subscriber | publish → all received p50 / p99 / max | server CPU per delivery (user + kernel) | server GC pause during the broadcasts | failed / short | after all left: subscribers held, heap kept per subscriber after one round / after a second |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var count in counts)
        {
            var bare = await MeasureAsync("bare", count, 0, http2: true);
            Console.WriteLine(Row(count, "bare held-open stream (Kestrel only), HTTP/2", bare, null));
            var topic = await MeasureAsync("topic", count, broadcasts, http2: true);
            Console.WriteLine(Row(count, "**Sse.Contracts topic**, HTTP/2", topic, bare));
        }
    }

    private static string Row(int count, string name, Result r, Result? bare) => string.Create(CultureInfo.InvariantCulture,
        $"| {count:N0} | {name} | {r.ConnectsPerSecond:N0}/s | {r.HeapPerSubscriber:N0} B{(bare is null ? "" : $" (**{r.HeapPerSubscriber - bare.HeapPerSubscriber:+#,0;-#,0}** over bare)")} | {r.RssPerSubscriber:N0} B{(bare is null ? "" : $" ({r.RssPerSubscriber - bare.RssPerSubscriber:+#,0;-#,0})")} | {(r.Latencies is null ? "" : $"{r.P50:F0} / {r.P99:F0} / {r.Max:F0} ms")} | {(r.Latencies is null ? "" : $"{r.UserCpu.TotalMicroseconds:F1} + {r.KernelCpu.TotalMicroseconds:F1} = {(r.UserCpu + r.KernelCpu).TotalMicroseconds:F1} µs")} | {(r.Latencies is null ? "" : $"{r.GcPause.TotalMilliseconds:F0} ms")} | {r.Failed} / {r.Short}{(r.FirstFailure is null ? "" : $" ({r.FirstFailure})")} | {r.Left}, {r.HeapKeptPerSubscriber:N0} B / {r.HeapKeptAfterTwoRounds:N0} B |");

    private static async Task<Result> MeasureAsync(string target, int count, int broadcasts, bool http2 = false)
    {
        await using var server = await ServerProcess.StartAsync();
        var endPoint = new IPEndPoint(IPAddress.Loopback, server.Address.Port);
        var path = target == "topic" ? "/bench/topic" : "/bare";
        var before = await server.MemoryAsync();
        var subscribers = await ConnectAsync(count, Warmup + broadcasts, Warmup);
        var result = new Result { ConnectsPerSecond = count / subscribers.ConnectTime.TotalSeconds };
        try
        {
            await server.WaitForCountAsync(target, count - subscribers.Failed, TimeSpan.FromSeconds(120));
            await Task.Delay(1000);
            var idle = await server.MemoryAsync();
            result.HeapPerSubscriber = (idle.Heap - before.Heap) / count;
            result.RssPerSubscriber = (idle.Rss - before.Rss) / count;
            if (broadcasts > 0)
            {
                // One broadcast reaches everyone in about count × 10 µs of server CPU, on the cores the readers share.
                var intervalMs = Math.Max(200, count / 40);
                await server.BroadcastAsync(target, Warmup, intervalMs);
                await subscribers.WaitForAsync(Warmup, TimeSpan.FromSeconds(120));
                var cpu = await server.CpuAsync();
                var pause = await server.GcPauseAsync();
                await server.BroadcastAsync(target, broadcasts, intervalMs);
                await subscribers.WaitForAsync(Warmup + broadcasts, TimeSpan.FromMilliseconds((broadcasts * intervalMs) + 120_000));
                var cpuAfter = await server.CpuAsync();
                result.GcPause = await server.GcPauseAsync() - pause;
                var deliveries = (double)count * broadcasts;
                result.UserCpu = (cpuAfter.User - cpu.User) / deliveries;
                result.KernelCpu = (cpuAfter.Kernel - cpu.Kernel) / deliveries;
                result.Latencies = subscribers.SortedLatencies();
                result.Short = subscribers.Short(Warmup + broadcasts);
            }

            result.Failed = subscribers.Failed;
            result.FirstFailure = subscribers.FirstFailure;
        }
        finally
        {
            await subscribers.DisposeAsync();
        }

        // Every subscriber left: the server must hold none of them, and its heap what it held before they came. What
        // pools keep stays after the first round; a leak grows with each, so a second round comes and goes.
        result.Left = await server.WaitForCountAsync(target, 0, TimeSpan.FromSeconds(120));
        await Task.Delay(500);
        result.HeapKeptPerSubscriber = ((await server.MemoryAsync()).Heap - before.Heap) / count;
        await using (var again = await ConnectAsync(count, 0, 0))
        {
            await server.WaitForCountAsync(target, count - again.Failed, TimeSpan.FromSeconds(120));
        }

        result.Left += await server.WaitForCountAsync(target, 0, TimeSpan.FromSeconds(120));
        await Task.Delay(500);
        result.HeapKeptAfterTwoRounds = ((await server.MemoryAsync()).Heap - before.Heap) / count;
        return result;

        Task<RawSubscribers> ConnectAsync(int count, int expected, int measureFrom) => http2
            ? RawSubscribers.ConnectHttp2Async(server.Http2Address, path, count, expected, measureFrom)
            : RawSubscribers.ConnectAsync(endPoint, path, count, expected, measureFrom);
    }

    private sealed class Result
    {
        public double ConnectsPerSecond { get; set; }

        public long HeapPerSubscriber { get; set; }

        public long RssPerSubscriber { get; set; }

        public float[]? Latencies { get; set; }

        public float P50 => Percentile(0.50);

        public float P99 => Percentile(0.99);

        public float Max => Latencies is { Length: > 0 } l ? l[^1] : float.NaN;

        public TimeSpan UserCpu { get; set; }

        public TimeSpan KernelCpu { get; set; }

        public TimeSpan GcPause { get; set; }

        public int Failed { get; set; }

        public int Short { get; set; }

        public string? FirstFailure { get; set; }

        public int Left { get; set; }

        public long HeapKeptPerSubscriber { get; set; }

        public long HeapKeptAfterTwoRounds { get; set; }

        private float Percentile(double p) => Latencies is { Length: > 0 } l ? l[Math.Min(l.Length - 1, (int)Math.Ceiling(p * l.Length) - 1)] : float.NaN;
    }
}

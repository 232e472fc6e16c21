using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Tasks;

namespace Sse.Loopback;

/// <summary>
/// One stream of N quotes over loopback, server in its own process. Server: our generated endpoint against
/// <c>TypedResults.ServerSentEvents</c> and a hand-written PipeWriter loop (the client drains raw bytes, so the server
/// is the bottleneck). Client: the generated client against <c>SseParser</c> + <c>JsonSerializer</c> on the same
/// endpoint, and against the ceiling, System.Text.Json deserializing the same payloads from memory. Every repetition
/// prints its own ratios; the last table is the medians.
/// </summary>
internal static class StreamRun
{
    private static readonly (string Name, string Path)[] Servers =
    [
        ("TypedResults.ServerSentEvents", "/typed"),
        ("hand-written PipeWriter", "/raw-stream"),
        ("**Sse.Contracts**", "/bench/items"),
    ];

    public static async Task RunAsync(int events, int repetitions)
    {
        Console.WriteLine($"one stream of {events:N0} quotes (~50-byte JSON, numeric id) over loopback; server in its own process; {Environment.ProcessorCount} cores; {repetitions} repetitions");
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = server.Address, Timeout = System.Threading.Timeout.InfiniteTimeSpan };

        foreach (var (_, path) in Servers)
        {
            await DrainAsync(http, path, Math.Min(events, 100_000)); // warm-up: JIT, pools
        }

        await ReadGeneratedAsync(http, 100_000);
        await ReadParserAsync(http, 100_000);

        var serverRuns = Servers.ToDictionary(static s => s.Name, static _ => new List<Measure>());
        const string Ceiling = "ceiling: JsonSerializer.Deserialize of the same payloads from memory (no socket, no parsing)";
        var payloads = StreamBench.Quotes(events).Select(static q => JsonSerializer.SerializeToUtf8Bytes(q, LoopbackJson.Default.Quote)).ToArray();
        var clientRuns = new Dictionary<string, List<Measure>> { ["SseParser + JsonSerializer"] = [], ["**generated client**"] = [], [Ceiling] = [] };
        for (var rep = 1; rep <= repetitions; rep++)
        {
            foreach (var (name, path) in Servers)
            {
                var cpu = await server.CpuAsync();
                var allocated = await server.AllocatedAsync();
                var clock = Stopwatch.StartNew();
                var bytes = await DrainAsync(http, path, events);
                var elapsed = clock.Elapsed;
                var cpuAfter = await server.CpuAsync();
                var allocatedAfter = await server.AllocatedAsync();
                serverRuns[name].Add(new Measure(events / elapsed.TotalSeconds, (cpuAfter.User + cpuAfter.Kernel - cpu.User - cpu.Kernel) / events, (allocatedAfter - allocated) / (double)events, bytes / (double)events));
            }

            clientRuns["SseParser + JsonSerializer"].Add(await MeasureClientAsync(() => ReadParserAsync(http, events), events));
            clientRuns["**generated client**"].Add(await MeasureClientAsync(() => ReadGeneratedAsync(http, events), events));
            clientRuns[Ceiling].Add(await MeasureClientAsync(() => Task.FromResult(DeserializeAll(payloads)), events));

            Console.WriteLine();
            Console.WriteLine($"repetition {rep}: ours / TypedResults = {Ratio(serverRuns, "**Sse.Contracts**", "TypedResults.ServerSentEvents", rep - 1):F2}×, ours / hand-written = {Ratio(serverRuns, "**Sse.Contracts**", "hand-written PipeWriter", rep - 1):F2}× events/s; generated client / SseParser = {Ratio(clientRuns, "**generated client**", "SseParser + JsonSerializer", rep - 1):F2}×, generated client / the System.Text.Json ceiling = {Ratio(clientRuns, "**generated client**", Ceiling, rep - 1):F2}× events/s");
        }

        Console.WriteLine();
        Console.WriteLine("| server (medians) | events/s | server CPU per event | server bytes allocated per event | wire bytes per event |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, runs) in serverRuns)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(runs, static m => m.EventsPerSecond):N0} | {Median(runs, static m => m.CpuPerEvent.TotalNanoseconds):N0} ns | {Median(runs, static m => m.BytesPerEvent):N0} B | {Median(runs, static m => m.WireBytesPerEvent):N1} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| client (medians, same endpoint) | events/s | client CPU per event | client bytes allocated per event |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, runs) in clientRuns)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(runs, static m => m.EventsPerSecond):N0} | {Median(runs, static m => m.CpuPerEvent.TotalNanoseconds):N0} ns | {Median(runs, static m => m.BytesPerEvent):N0} B |"));
        }
    }

    private static double Ratio(Dictionary<string, List<Measure>> runs, string ours, string theirs, int rep) => runs[ours][rep].EventsPerSecond / runs[theirs][rep].EventsPerSecond;

    private static double Median(List<Measure> runs, Func<Measure, double> value)
    {
        var sorted = runs.Select(value).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<Measure> MeasureClientAsync(Func<Task<int>> read, int events)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var received = await read();
        var elapsed = clock.Elapsed;
        process.Refresh();
        if (received != events)
        {
            throw new InvalidOperationException($"Received {received} events, expected {events}.");
        }

        return new Measure(events / elapsed.TotalSeconds, (process.TotalProcessorTime - cpu) / events, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)events, 0);
    }

    private static async Task<long> DrainAsync(HttpClient http, string path, int events)
    {
        using var response = await http.GetAsync(new Uri($"{path}?count={events}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static async Task<int> ReadGeneratedAsync(HttpClient http, int events)
    {
        var client = new StreamBenchClient(http);
        var count = 0;
        await foreach (var quote in client.Items(events))
        {
            count += quote.Seq >= 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>What no client can beat: the contract's JSON metadata deserializing every payload, already in memory.</summary>
    private static int DeserializeAll(byte[][] payloads)
    {
        var count = 0;
        foreach (var payload in payloads)
        {
            count += JsonSerializer.Deserialize(payload, LoopbackJson.Default.Quote)!.Seq >= 0 ? 1 : 0;
        }

        return count;
    }

    private static async Task<int> ReadParserAsync(HttpClient http, int events)
    {
        using var response = await http.GetAsync(new Uri($"/bench/items?count={events}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var count = 0;
        var parser = SseParser.Create(stream, static (type, data) => type == "message" ? JsonSerializer.Deserialize(data, LoopbackJson.Default.Quote) : null);
        await foreach (var item in parser.EnumerateAsync())
        {
            if (item.Data is { } quote)
            {
                count += quote.Seq >= 0 ? 1 : 0;
            }
        }

        return count;
    }

    private sealed record Measure(double EventsPerSecond, TimeSpan CpuPerEvent, double BytesPerEvent, double WireBytesPerEvent);
}

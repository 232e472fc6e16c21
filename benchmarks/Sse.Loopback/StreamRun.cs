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
/// endpoint, and against the ceiling, System.Text.Json deserializing the same payloads from memory; and alone, reading
/// the same bytes replayed by a server that costs next to nothing (so it does not share two cores with a server at full
/// speed). Every repetition
/// prints its own ratios; the last table is the medians.
/// </summary>
internal static class StreamRun
{
    private const string Ours = "**Sse.Contracts**";
    private const string Generated = "**generated client**";
    private const string Alone = "**replayed: generated client**";

    public static async Task RunAsync(int events, int repetitions)
    {
        Console.WriteLine($"one stream of {events:N0} quotes (~50-byte JSON, numeric id) over loopback; server in its own process; {Environment.ProcessorCount} cores; {repetitions} repetitions");
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = server.Address, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var http2 = new HttpClient(new SocketsHttpHandler()) { BaseAddress = server.Http2Address, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var grpc = global::Grpc.Net.Client.GrpcChannel.ForAddress(server.Http2Address, new global::Grpc.Net.Client.GrpcChannelOptions { HttpHandler = new SocketsHttpHandler(), MaxReceiveMessageSize = null });
        await using var signalR = await PeerClients.ConnectSignalRAsync(server.Address);
        using var replay = new HttpClient(new ReplayHandler()) { BaseAddress = server.Address, Timeout = System.Threading.Timeout.InfiniteTimeSpan };

        // Each server's stream, drained as raw bytes by this process so that the server is what is measured.
        (string Name, Func<int, Task<long>> Drain)[] servers =
        [
            ("TypedResults.ServerSentEvents", n => DrainAsync(http, "/typed", n)),
            ("hand-written PipeWriter", n => DrainAsync(http, "/raw-stream", n)),
            ("gRPC server streaming (Grpc.AspNetCore 2.85, HTTP/2, each message written with the default options)", n => PeerClients.DrainGrpcAsync(http2, n)),
            ("SignalR IAsyncEnumerable hub stream (WebSockets, JSON protocol)", n => PeerClients.DrainSignalRAsync(server.Address, n)),
            (Ours, n => DrainAsync(http, "/bench/items", n)),
        ];
        const string Ceiling = "ceiling: JsonSerializer.Deserialize of the same payloads from memory (no socket, no parsing)";
        (string Name, Func<int, Task<int>> Read)[] clients =
        [
            ("transport alone: HttpClient draining the same response as bytes (no parsing, no JSON)", async n => await DrainAsync(http, "/bench/items", n) > 0 ? n : 0),
            ("SseParser + JsonSerializer", n => ReadParserAsync(http, n)),
            ("Grpc.Net.Client (protobuf)", n => PeerClients.ReadGrpcAsync(grpc, n)),
            ("SignalR HubConnection.StreamAsync (JSON)", n => PeerClients.ReadSignalRAsync(signalR, n)),
            (Generated, n => ReadGeneratedAsync(http, n)),
            ("replayed: transport alone", async n => await DrainAsync(http, "/replay/items", n) > 0 ? n : 0),
            (Alone, n => ReadGeneratedAsync(replay, n)),
        ];

        foreach (var (_, drain) in servers)
        {
            await drain(Math.Min(events, 100_000)); // warm-up: JIT, pools
        }

        foreach (var (_, read) in clients)
        {
            await read(100_000);
        }

        var serverRuns = servers.ToDictionary(static s => s.Name, static _ => new List<Measure>());
        var payloads = StreamBench.Quotes(events).Select(static q => JsonSerializer.SerializeToUtf8Bytes(q, LoopbackJson.Default.Quote)).ToArray();
        var clientRuns = clients.ToDictionary(static c => c.Name, static _ => new List<Measure>());
        clientRuns[Ceiling] = [];
        for (var rep = 1; rep <= repetitions; rep++)
        {
            foreach (var (name, drain) in servers)
            {
                var cpu = await server.CpuAsync();
                var allocated = await server.AllocatedAsync();
                var clock = Stopwatch.StartNew();
                var bytes = await drain(events);
                var elapsed = clock.Elapsed;
                var cpuAfter = await server.CpuAsync();
                var allocatedAfter = await server.AllocatedAsync();
                serverRuns[name].Add(new Measure(events / elapsed.TotalSeconds, (cpuAfter.User + cpuAfter.Kernel - cpu.User - cpu.Kernel).TotalNanoseconds / events, (allocatedAfter - allocated) / (double)events, bytes / (double)events));
            }

            foreach (var (name, read) in clients)
            {
                clientRuns[name].Add(await MeasureClientAsync(() => read(events), events));
            }

            clientRuns[Ceiling].Add(await MeasureClientAsync(() => Task.FromResult(DeserializeAll(payloads)), events));

            Console.WriteLine();
            Console.WriteLine($"repetition {rep}, events/s: ours / {string.Join(", ours / ", servers.Where(static s => s.Name != Ours).Select(s => $"{s.Name.Split(' ')[0]} = {Ratio(serverRuns, Ours, s.Name, rep - 1):F2}×"))}; generated client / {string.Join(", generated client / ", clients.Where(static c => c.Name != Generated && !c.Name.Contains("replayed", StringComparison.Ordinal)).Select(c => $"{c.Name.Split(' ')[0]} = {Ratio(clientRuns, Generated, c.Name, rep - 1):F2}×"))}, generated client / the System.Text.Json ceiling = {Ratio(clientRuns, Generated, Ceiling, rep - 1):F2}× (against our endpoint), {Ratio(clientRuns, Alone, Ceiling, rep - 1):F2}× (the same bytes replayed)");
        }

        Console.WriteLine();
        Console.WriteLine("| server (medians) | events/s | server CPU per event | server bytes allocated per event | wire bytes per event |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, runs) in serverRuns)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(runs, static m => m.EventsPerSecond):N0} | {Median(runs, static m => m.CpuNanosecondsPerEvent):N0} ns | {Median(runs, static m => m.BytesPerEvent):N0} B | {Median(runs, static m => m.WireBytesPerEvent):N1} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| client (medians, same endpoint) | events/s | client CPU per event | client bytes allocated per event |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, runs) in clientRuns)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(runs, static m => m.EventsPerSecond):N0} | {Median(runs, static m => m.CpuNanosecondsPerEvent):N0} ns | {Median(runs, static m => m.BytesPerEvent):N0} B |"));
        }
    }

    /// <summary>Only the generated client reading one long stream, for a profiler to attach to during the pause.</summary>
    public static async Task ProfileClientAsync(int events)
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient(Environment.GetEnvironmentVariable("LOOPBACK_REPLAY") == "1" ? new ReplayHandler() : new SocketsHttpHandler()) { BaseAddress = server.Address, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        await ReadGeneratedAsync(http, 200_000);
        Console.WriteLine($"warmed up; reading {events:N0} events in 3 s (process {Environment.ProcessId})");
        await Task.Delay(3000);
        var clock = Stopwatch.StartNew();
        var n = await ReadGeneratedAsync(http, events);
        Console.WriteLine($"{n / clock.Elapsed.TotalSeconds:N0} events/s");
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

        return new Measure(events / elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalNanoseconds / events, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)events, 0);
    }

    private static async Task<long> DrainAsync(HttpClient http, string path, int events)
    {
        using var response = await http.GetAsync(new Uri($"{path}?count={events}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return await PeerClients.DrainAsync(await response.Content.ReadAsStreamAsync());
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

    private sealed record Measure(double EventsPerSecond, double CpuNanosecondsPerEvent, double BytesPerEvent, double WireBytesPerEvent);
}

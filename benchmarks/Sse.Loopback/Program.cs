using System;
using System.Globalization;
using System.Linq;
using Sse.Loopback;

// dotnet run -c Release --project benchmarks/Sse.Loopback                  (everything below, about two minutes)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- stream [events=1000000] [repetitions=3]   (beside TypedResults, gRPC, SignalR; clients beside the System.Text.Json ceiling)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- profile-client [events=10000000]   (only the generated client reading, after a warm-up and a 3 s pause: attach a profiler, see docs/performance.md)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- fanout [subscribers=1000,5000] [broadcasts=100] [intervalMs=50]   (beside Channel + TypedResults, SignalR Clients.All, and over HTTP/2)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- rates [subscribers=1000] [rates=10,100,1000,5000] [seconds=3]
// dotnet run -c Release --project benchmarks/Sse.Loopback -- scale [subscribers=10000,25000,50000,100000] [broadcasts=10]   (raw-socket subscribers; raises its own open-file limit)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- scale-h2 [subscribers=10000,25000,50000,100000] [broadcasts=10]   (the same as streams of one HTTP/2 connection, as behind a proxy: not bounded by the open-file limit)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- compression [subscribers=100] [broadcasts=500] [intervalMs=10]
// dotnet run -c Release --project benchmarks/Sse.Loopback -- postgres [publishes=20000] [latencySamples=1000]   (needs Debian's postgresql)
// dotnet run -c Release --project benchmarks/Sse.Loopback -- backplanes [publishes=20000] [latencySamples=1000] [subscribers=10,5000] [signalRSubscribers=10,1000] [outageSeconds=10]   (needs redis-server; PostgreSQL rows when installed)
// Measures over real loopback sockets with the server in its own process. The machine is shared: compare the rows of
// one run, not runs of different days.
switch (args.FirstOrDefault())
{
    case "serve":
        await LoopbackServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
        break;
    case "fanout":
        var counts = args.Length > 1 ? args[1].Split(',').Select(static c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [1000, 5000];
        var broadcasts = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        var interval = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 50;
        await FanOutRun.RunAsync(counts, broadcasts, interval);
        break;
    case null or "all":
        // Everything, bounded: one stream of 1,000,000 events three times, then fan-out at 1,000 and 5,000.
        await StreamRun.RunAsync(1_000_000, 3);
        Console.WriteLine();
        await FanOutRun.RunAsync([1000, 5000], 50, 100);
        break;
    case "rates":
        await FanOutRun.RunRatesAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000,
            args.Length > 2 ? args[2].Split(',').Select(static c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [10, 100, 1000, 5000],
            args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3);
        break;
    case "scale":
        await ScaleRun.RunAsync(
            args.Length > 1 ? args[1].Split(',').Select(static c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [10_000, 25_000, 50_000, 100_000],
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10);
        break;
    case "compression":
        await FanOutRun.RunCompressionAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500,
            args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10);
        break;
    case "postgres":
        await PostgresRun.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000);
        break;
    case "backplanes":
        await BackplaneRun.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000,
            args.Length > 3 ? args[3].Split(',').Select(static c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [10, 5000],
            args.Length > 4 ? args[4].Split(',').Select(static c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [10, 1000],
            args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 10);
        break;
    case "scale-h2":
        await ScaleRun.RunHttp2Async(
            args.Length > 1 ? args[1].Split(',').Select(static c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [10_000, 25_000, 50_000, 100_000],
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10);
        break;
    case "profile-client":
        await StreamRun.ProfileClientAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000);
        break;
    case "stream":
        await StreamRun.RunAsync(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
        break;
    default:
        Console.Error.WriteLine("usage: Sse.Loopback [all] | stream [events=1000000] [repetitions=3] | fanout [subscribers=1000,5000] [broadcasts=100] [intervalMs=50] | profile-client [events=10000000] | scale [subscribers=10000,25000,50000,100000] [broadcasts=10] | scale-h2 [subscribers=10000,25000,50000,100000] [broadcasts=10] | rates [subscribers=1000] [rates=10,100,1000,5000] [seconds=3] | compression [subscribers=100] [broadcasts=500] [intervalMs=10] | postgres [publishes=20000] [latencySamples=1000] | backplanes [publishes=20000] [latencySamples=1000] [subscribers=10,5000] [signalRSubscribers=10,1000] [outageSeconds=10]");
        return 2;
}

return 0;

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Loopback;

/// <summary>
/// Fan-out over loopback: N subscribers on one topic, B broadcasts. Reports the server's CPU per recipient per broadcast,
/// publish-to-receive latency over every (subscriber, broadcast) pair, and the managed heap per idle subscriber, for
/// our topic endpoint and for the hand-written Channel-per-connection baseline, beside a bare held-open connection.
/// </summary>
internal static class FanOutRun
{
    private const int Warmup = 20;

    public static async Task RunAsync(int[] subscriberCounts, int broadcasts, int intervalMs)
    {
        Console.WriteLine($"fan-out over loopback: {broadcasts} broadcasts every {intervalMs} ms; server in its own process; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| endpoint | subscribers | server CPU per recipient per broadcast (user + kernel) | p50 | p99 | max | managed heap per idle subscriber | bytes allocated per delivery | RSS per connection |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var count in subscriberCounts)
        {
            var bare = await IdleHeapAsync("bare", count);
            Console.WriteLine($"| bare held-open connection (Kestrel only) | {count:N0} | | | | | {bare:N0} B |");
            var idle = await IdleHeapAsync("idle", count);
            Console.WriteLine($"| idle iterator stream (a contract method waiting for its next item) | {count:N0} | | | | | {idle:N0} B ({idle - bare:+#,0;-#,0} over bare) |");
            Result? floor = null;
            foreach (var (name, target) in new[]
            {
                ("floor: a preformatted frame written to each response by the publisher (Kestrel alone)", "raw"),
                ("**Sse.Contracts topic**", "topic"),
                ("Channel per connection + TypedResults.ServerSentEvents", "baseline"),
                ("SignalR `Clients.All.SendAsync` (WebSockets, JSON protocol)", "signalr"),
                ("Sse.Contracts topic over HTTP/2, every stream on one connection (as behind a proxy)", "topic-h2"),
            })
            {
                var result = await MeasureAsync(target, count, broadcasts, intervalMs);
                floor ??= result;
                var total = result.UserCpuPerRecipient + result.KernelCpuPerRecipient;
                var overFloor = total - (floor.UserCpuPerRecipient + floor.KernelCpuPerRecipient);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {count:N0} | {result.UserCpuPerRecipient.TotalMicroseconds:F1} + {result.KernelCpuPerRecipient.TotalMicroseconds:F1} = {total.TotalMicroseconds:F1} µs{(ReferenceEquals(floor, result) ? "" : $" ({overFloor.TotalMicroseconds:+0.0;-0.0} over floor)")} | {result.P50:F1} ms | {result.P99:F1} ms | {result.Max:F1} ms | {result.HeapPerSubscriber:N0} B ({result.HeapPerSubscriber - bare:+#,0;-#,0} over bare) | {result.BytesPerRecipient:N0} B | {result.RssPerSubscriber:N0} B |"));
            }
        }
    }

    /// <summary>
    /// The topic uncompressed, and compressed with gzip and Brotli (WithSseCompression, flushed after every event as a
    /// live feed is): bytes on the wire per delivery beside the server's CPU per delivery and the latency.
    /// </summary>
    public static async Task RunCompressionAsync(int count, int broadcasts, int intervalMs)
    {
        Console.WriteLine($"compression: {count:N0} subscribers, {broadcasts} broadcasts every {intervalMs} ms, each event flushed on its own; server in its own process; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| stream | wire bytes per delivery (headers included) | server CPU per delivery (user + kernel) | p50 | p99 |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        Result? plain = null;
        foreach (var (name, target, method) in new[]
        {
            ("Sse.Contracts topic, uncompressed", "topic", System.Net.DecompressionMethods.None),
            ("WithSseCompression(), gzip (Fastest)", "topic-compressed", System.Net.DecompressionMethods.GZip),
            ("WithSseCompression(), Brotli (quality 4, what Fastest means for Brotli)", "topic-compressed", System.Net.DecompressionMethods.Brotli),
        })
        {
            var result = await MeasureAsync(target, count, broadcasts, intervalMs, method);
            plain ??= result;
            var total = result.UserCpuPerRecipient + result.KernelCpuPerRecipient;
            var plainTotal = plain.UserCpuPerRecipient + plain.KernelCpuPerRecipient;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {result.WireBytesPerRecipient:F1} B ({100 * result.WireBytesPerRecipient / plain.WireBytesPerRecipient:F0}%) | {result.UserCpuPerRecipient.TotalMicroseconds:F1} + {result.KernelCpuPerRecipient.TotalMicroseconds:F1} = {total.TotalMicroseconds:F1} µs (×{total / plainTotal:F2}) | {result.P50:F1} ms | {result.P99:F1} ms |"));
        }
    }

    /// <summary>
    /// CPU per delivery as the publish rate rises, for one set of subscribers: the topic (whose writer puts every event
    /// ready for a subscriber into one write and one flush) beside the floor that writes and flushes each event on its
    /// own. At a low rate both pay one socket write per delivery; as events come faster than a subscriber's writes
    /// finish, the topic's batches grow and the cost per delivery falls below that floor.
    /// </summary>
    public static async Task RunRatesAsync(int count, int[] rates, int seconds)
    {
        Console.WriteLine($"fan-out by publish rate: {count:N0} subscribers, {seconds} s per rate; server in its own process; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| events/s | stream | server CPU per delivery (user + kernel) | vs the one-write floor at the lowest rate | p50 | p99 |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: |");
        TimeSpan? lowFloor = null;
        foreach (var rate in rates)
        {
            var perTick = Math.Max(1, rate / 1000);
            var intervalMs = Math.Max(1, 1000 * perTick / rate);
            foreach (var (name, target) in new[] { ("floor: one write + flush per delivery", "raw"), ("**Sse.Contracts topic**", "topic") })
            {
                var result = await MeasureAsync(target, count, rate * seconds, intervalMs, perTick: perTick);
                var total = result.UserCpuPerRecipient + result.KernelCpuPerRecipient;
                lowFloor ??= total;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {rate:N0} | {name} | {result.UserCpuPerRecipient.TotalMicroseconds:F1} + {result.KernelCpuPerRecipient.TotalMicroseconds:F1} = {total.TotalMicroseconds:F1} µs | ×{total / lowFloor.Value:F2} | {result.P50:F1} ms | {result.P99:F1} ms |"));
            }
        }
    }

    private static async Task<long> IdleHeapAsync(string target, int count)
    {
        await using var server = await ServerProcess.StartAsync();
        var before = await server.HeapAsync();
        await using var subscribers = await Subscribers.ConnectAsync(server, target, count, expected: 0, measureFrom: 0);
        await Task.Delay(500);
        return (await server.HeapAsync() - before) / count;
    }

    private static async Task<Result> MeasureAsync(string target, int count, int broadcasts, int intervalMs, System.Net.DecompressionMethods decompression = System.Net.DecompressionMethods.None, int perTick = 1)
    {
        await using var server = await ServerProcess.StartAsync();
        var before = await server.MemoryAsync();
        await using var subscribers = await Subscribers.ConnectAsync(server, target, count, expected: Warmup + broadcasts, measureFrom: Warmup, decompression);
        await Task.Delay(500);
        var connected = await server.MemoryAsync();
        var heapPerSubscriber = (connected.Heap - before.Heap) / count;
        var rssPerSubscriber = (connected.Rss - before.Rss) / count;

        // Warm-up broadcasts (JIT, buffers), then the measured ones.
        await Broadcast(server, target, Warmup, intervalMs);
        await subscribers.WaitForAsync(Warmup, TimeSpan.FromSeconds(60));
        var wire = subscribers.WireBytes;
        var cpu = await server.CpuAsync();
        var allocated = await server.AllocatedAsync();
        await Broadcast(server, target, broadcasts, intervalMs, perTick);
        await subscribers.WaitForAsync(Warmup + broadcasts, TimeSpan.FromSeconds(120));
        var after = await server.CpuAsync();
        var allocatedAfter = await server.AllocatedAsync();
        var recipients = (double)count * broadcasts;
        var wireAfter = subscribers.WireBytes;

        var latencies = subscribers.Latencies();
        Array.Sort(latencies);
        return new Result(
            (after.User - cpu.User) / recipients,
            (after.Kernel - cpu.Kernel) / recipients,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies[^1],
            heapPerSubscriber,
            (allocatedAfter - allocated) / recipients,
            rssPerSubscriber,
            (wireAfter - wire) / recipients);
    }

    private static Task Broadcast(ServerProcess server, string target, int count, int intervalMs, int perTick = 1) =>
        server.BroadcastAsync(target is "topic-compressed" or "topic-h2" ? "topic" : target, count, intervalMs, perTick);

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record Result(TimeSpan UserCpuPerRecipient, TimeSpan KernelCpuPerRecipient, double P50, double P99, double Max, long HeapPerSubscriber, double BytesPerRecipient, long RssPerSubscriber, double WireBytesPerRecipient);

    /// <summary>N streams, each read by its own task with the platform's <see cref="SseParser"/>.</summary>
    private sealed class Subscribers : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _readers = [];
        private readonly double[][] _latencies;
        private readonly int[] _received;
        private readonly int _measureFrom;

        private long _wireBytes;

        private Subscribers(Uri address, int count, int expected, int measureFrom, System.Net.DecompressionMethods decompression)
        {
            _http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                AutomaticDecompression = decompression,
                // Every byte the sockets receive, before decompression: what the network carries.
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new CountingStream(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), this);
                },
            })
            {
                BaseAddress = address,
                Timeout = Timeout.InfiniteTimeSpan,
            };
            _latencies = [.. Enumerable.Range(0, count).Select(_ => new double[Math.Max(0, expected - measureFrom)])];
            _received = new int[count];
            _measureFrom = measureFrom;
        }

        /// <summary>Gets the bytes received on every connection so far.</summary>
        public long WireBytes => Interlocked.Read(ref _wireBytes);

        public static async Task<Subscribers> ConnectAsync(ServerProcess server, string target, int count, int expected, int measureFrom, System.Net.DecompressionMethods decompression = System.Net.DecompressionMethods.None)
        {
            var path = target switch { "topic" or "topic-h2" => "/bench/topic", "topic-compressed" => "/gz/bench/topic", "baseline" => "/baseline", "raw" => "/raw", "idle" => "/bench/idle", "signalr" => "/hub", _ => "/bare" };
            var subscribers = new Subscribers(target == "topic-h2" ? server.Http2Address : server.Address, count, expected, measureFrom, decompression);
            if (target == "topic-h2")
            {
                // Every stream on one HTTP/2 connection, as a proxy in front of the server multiplexes them.
                subscribers._http.DefaultRequestVersion = System.Net.HttpVersion.Version20;
                subscribers._http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }

            target = target is "topic-compressed" or "topic-h2" ? "topic" : target;

            // In batches, so the listen backlog is never overrun; the server counts who is subscribed.
            for (var first = 0; first < count; first += 100)
            {
                var end = Math.Min(count, first + 100);
                for (var i = first; i < end; i++)
                {
                    var index = i;
                    subscribers._readers.Add(Task.Run(() => target == "signalr" ? subscribers.ReadSignalRAsync(server.Address, index) : subscribers.ReadAsync(path, index)));
                }

                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (int.Parse(await server.Http.GetStringAsync(new Uri($"/count/{target}", UriKind.Relative), cts.Token), CultureInfo.InvariantCulture) < end)
                {
                    await Task.Delay(10, cts.Token);
                }
            }

            return subscribers;
        }

        public async Task WaitForAsync(int events, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (_received.Any(r => Volatile.Read(ref r) < events))
            {
                await Task.Delay(20, cts.Token);
            }
        }

        public double[] Latencies() => [.. _latencies.SelectMany(static l => l)];

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_readers).ContinueWith(static _ => { }, TaskScheduler.Default);
            _http.Dispose();
            _stop.Dispose();
        }

        /// <summary>A socket's stream that adds what it reads to the subscribers' count.</summary>
        private sealed class CountingStream(Stream inner, Subscribers owner) : Stream
        {
            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Counted(await inner.ReadAsync(buffer, cancellationToken));

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

            public override void Flush() => inner.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }

            private int Counted(int read)
            {
                Interlocked.Add(ref owner._wireBytes, read);
                return read;
            }
        }

        /// <summary>
        /// A SignalR connection (a WebSocket, JSON protocol, no negotiate) that only listens: each tick's arrival is
        /// timed from its message (a minimal reader, lighter than a <c>HubConnection</c>, which at 5,000 did not fit here).
        /// </summary>
        private async Task ReadSignalRAsync(Uri address, int index)
        {
            using var socket = new System.Net.WebSockets.ClientWebSocket();
            try
            {
                await socket.ConnectAsync(new Uri($"ws://{address.Authority}/hub"), _stop.Token);
                await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, _stop.Token);
                var buffer = new byte[4096];
                var length = 0;
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                    {
                        return;
                    }

                    Interlocked.Add(ref _wireBytes, result.Count);
                    length += result.Count;
                    if (!result.EndOfMessage)
                    {
                        if (length == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }

                        continue;
                    }

                    // One message may hold several records, each ended by 0x1E: the invocations of "tick" are timed.
                    var records = buffer.AsSpan(0, length);
                    var received = DateTime.UtcNow.Ticks;
                    int end;
                    while ((end = records.IndexOf((byte)0x1e)) >= 0)
                    {
                        var record = records[..end];
                        records = records[(end + 1)..];
                        if (record.IndexOf("\"target\":\"tick\""u8) < 0)
                        {
                            continue;
                        }

                        var at = record.IndexOf("\"sentTicks\":"u8) + "\"sentTicks\":"u8.Length;
                        if (!System.Buffers.Text.Utf8Parser.TryParse(record[at..], out long sent, out _))
                        {
                            throw new InvalidOperationException("A tick without its sentTicks.");
                        }

                        Delivered(index, received, sent);
                    }

                    length = 0;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (System.Net.WebSockets.WebSocketException) when (_stop.IsCancellationRequested)
            {
            }
        }

        private void Delivered(int index, long received, long sentTicks)
        {
            var n = _received[index];
            if (n >= _measureFrom && n - _measureFrom < _latencies[index].Length)
            {
                _latencies[index][n - _measureFrom] = TimeSpan.FromTicks(received - sentTicks).TotalMilliseconds;
            }

            Volatile.Write(ref _received[index], n + 1);
        }

        private async Task ReadAsync(string path, int index)
        {
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            {
                try
                {
                    var parser = SseParser.Create(stream, static (_, data) => JsonSerializer.Deserialize(data, LoopbackJson.Default.Tick)!);
                    await foreach (var item in parser.EnumerateAsync(_stop.Token))
                    {
                        Delivered(index, DateTime.UtcNow.Ticks, item.Data.SentTicks);
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
                catch (IOException) when (_stop.IsCancellationRequested)
                {
                }
            }
        }
    }
}

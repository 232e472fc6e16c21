using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Sse.Loopback;

/// <summary>This program again, in server mode, as a child process on a free loopback port.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address, Uri http2Address)
    {
        _process = process;
        Address = address;
        Http2Address = http2Address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>Gets the server's HTTP/2-only (prior knowledge, no TLS) address.</summary>
    public Uri Http2Address { get; }

    public HttpClient Http { get; }

    public static async Task<ServerProcess> StartAsync()
    {
        var port = FreePort();
        var http2Port = FreePort();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(http2Port.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"), new Uri($"http://127.0.0.1:{http2Port}"));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await server.Http.GetStringAsync("/cpu");
                return server;
            }
            catch (HttpRequestException) when (attempt < 200 && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The server's CPU time so far: in user mode (the runtime, Kestrel, our code) and in the kernel (sockets).</summary>
    public async Task<(TimeSpan User, TimeSpan Kernel)> CpuAsync()
    {
        var parts = (await Http.GetStringAsync("/cpu")).Split(' ');
        return (TimeSpan.FromTicks(long.Parse(parts[0], CultureInfo.InvariantCulture)), TimeSpan.FromTicks(long.Parse(parts[1], CultureInfo.InvariantCulture)));
    }

    /// <summary>The bytes the server process allocated so far.</summary>
    public async Task<long> AllocatedAsync() => long.Parse(await Http.GetStringAsync("/allocated"), CultureInfo.InvariantCulture);

    /// <summary>The server's managed heap after a full, compacting collection.</summary>
    public async Task<long> HeapAsync() => (await MemoryAsync()).Heap;

    /// <summary>The server's managed heap after a full, compacting collection, and its resident set (RSS).</summary>
    public async Task<(long Heap, long Rss)> MemoryAsync()
    {
        var parts = (await Http.GetStringAsync("/stats")).Split(' ');
        return (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The server's total GC pause time so far.</summary>
    public async Task<TimeSpan> GcPauseAsync() => TimeSpan.FromTicks(long.Parse(await Http.GetStringAsync("/gc"), CultureInfo.InvariantCulture));

    /// <summary>Starts <paramref name="count"/> broadcasts on the server, <paramref name="intervalMs"/> apart (<paramref name="perTick"/> events each time).</summary>
    public async Task BroadcastAsync(string target, int count, int intervalMs, int perTick = 1)
    {
        using var response = await Http.PostAsync(new Uri($"/broadcast/{target}?count={count}&intervalMs={intervalMs}&perTick={perTick}", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Waits until the server holds <paramref name="count"/> streams of <paramref name="target"/>; returns how many it holds at the end.</summary>
    public async Task<int> WaitForCountAsync(string target, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var held = int.Parse(await Http.GetStringAsync(new Uri($"/count/{target}", UriKind.Relative)), CultureInfo.InvariantCulture);
            if (held == count || clock.Elapsed > timeout)
            {
                return held;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

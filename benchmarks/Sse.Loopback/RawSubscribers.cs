using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Loopback;

/// <summary>
/// A load client light enough to hold 100,000 streams on the machine that also runs the server: one raw socket per
/// subscriber (no <c>HttpClient</c>), a zero-byte receive while it waits (so an idle subscriber holds no buffer), one
/// buffer per thread to read into, and a byte-level reader of the chunked HTTP/1.1 body that only finds each event's
/// <c>"sentTicks":</c> to time it. Connections come from several loopback source addresses (127.0.0.2, .3, …) so the
/// ephemeral ports of one source address do not run out. Or (<see cref="ConnectHttp2Async"/>) every subscriber a
/// stream of one HTTP/2 connection, read the same way after a zero-byte read.
/// </summary>
internal sealed class RawSubscribers : IAsyncDisposable
{
    /// <summary>Subscribers per source address: well below the 28,000 ephemeral ports Linux gives each by default, so earlier runs' TIME_WAIT ports do not slow the search for a free one.</summary>
    private const int PerSourceAddress = 5_000;

    [ThreadStatic]
    private static byte[]? t_buffer;

    private readonly Connection[] _connections;
    private readonly float[] _latencies;
    private readonly int _measured;
    private readonly int _measureFrom;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];

    private HttpClient? _http;
    private int _failed;
    private string? _firstFailure;

    private RawSubscribers(int count, int expected, int measureFrom)
    {
        _connections = new Connection[count];
        _measured = Math.Max(0, expected - measureFrom);
        _measureFrom = measureFrom;
        _latencies = new float[count * _measured];
    }

    /// <summary>Gets how many subscribers failed (refused, cut off, or sent something unreadable).</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Gets what the first failure was.</summary>
    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>Gets how long connecting every subscriber took, to the last response's headers.</summary>
    public TimeSpan ConnectTime { get; private set; }

    /// <summary>Connects <paramref name="count"/> subscribers to <paramref name="path"/>, at most <paramref name="inFlight"/> connecting at once.</summary>
    public static async Task<RawSubscribers> ConnectAsync(IPEndPoint server, string path, int count, int expected, int measureFrom, int inFlight = 256)
    {
        var subscribers = new RawSubscribers(count, expected, measureFrom);
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server}\r\nAccept: text/event-stream\r\n\r\n");
        using var gate = new SemaphoreSlim(inFlight);
        var connected = new List<Task>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var source = new IPAddress(new byte[] { 127, 0, (byte)((2 + (i / PerSourceAddress)) >> 8), (byte)(2 + (i / PerSourceAddress)) });
            var connection = subscribers._connections[i] = new Connection(i);
            connected.Add(subscribers.OpenAsync(connection, source, server, request, gate));
        }

        await Task.WhenAll(connected);
        subscribers.ConnectTime = clock.Elapsed;
        return subscribers;
    }

    /// <summary>
    /// Connects <paramref name="count"/> subscribers to <paramref name="path"/> as streams of HTTP/2 connections (prior
    /// knowledge, no TLS), as a proxy in front of the server multiplexes its clients: as many streams on a connection
    /// as the server allows, so a few open files hold them all. Each stream waits with a zero-byte read (no buffer per
    /// idle subscriber) and is read into this thread's buffer like a raw socket.
    /// </summary>
    public static async Task<RawSubscribers> ConnectHttp2Async(Uri server, string path, int count, int expected, int measureFrom, int inFlight = 256)
    {
        var subscribers = new RawSubscribers(count, expected, measureFrom)
        {
            _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = server,
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Timeout = Timeout.InfiniteTimeSpan,
            },
        };
        using var gate = new SemaphoreSlim(inFlight);
        var connected = new List<Task>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var connection = subscribers._connections[i] = new Connection(i) { State = ReadState.Body };
            connected.Add(subscribers.OpenHttp2Async(connection, path, gate));
        }

        await Task.WhenAll(connected);
        subscribers.ConnectTime = clock.Elapsed;
        return subscribers;
    }

    /// <summary>Waits until every subscriber that has not failed received <paramref name="events"/> events; false on timeout.</summary>
    public async Task<bool> WaitForAsync(int events, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var behind = false;
            foreach (var connection in _connections)
            {
                if (!connection.Failed && Volatile.Read(ref connection.Received) < events)
                {
                    behind = true;
                    break;
                }
            }

            if (!behind)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>Gets how many subscribers received fewer than <paramref name="events"/> events.</summary>
    public int Short(int events)
    {
        var count = 0;
        foreach (var connection in _connections)
        {
            count += Volatile.Read(ref connection.Received) < events ? 1 : 0;
        }

        return count;
    }

    /// <summary>Every measured delivery's publish → received time, in milliseconds, sorted.</summary>
    public float[] SortedLatencies()
    {
        var all = new List<float>(_latencies.Length);
        for (var i = 0; i < _connections.Length; i++)
        {
            var received = Math.Min(_measured, Math.Max(0, Volatile.Read(ref _connections[i].Received) - _measureFrom));
            all.AddRange(new ArraySegment<float>(_latencies, i * _measured, received));
        }

        var sorted = all.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var connection in _connections)
        {
            connection?.Socket?.Dispose();
            connection?.Response?.Dispose();
        }

        await Task.WhenAll(_readers).ContinueWith(static _ => { }, TaskScheduler.Default);
        _http?.Dispose();
        _stop.Dispose();
    }

    private async Task OpenAsync(Connection connection, IPAddress source, IPEndPoint server, byte[] request, SemaphoreSlim gate)
    {
        try
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
            connection.Socket = socket;
            if (OperatingSystem.IsLinux())
            {
                // IP_BIND_ADDRESS_NO_PORT: the source port is picked at connect, for the whole 4-tuple, instead of
                // at bind by a search of every port of the address (which made the kernel the bottleneck).
                socket.SetRawSocketOption(0 /* IPPROTO_IP */, 24, BitConverter.GetBytes(1));
            }

            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, _stop.Token);

            await socket.SendAsync(request, SocketFlags.None, _stop.Token);
            var headers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.HeadersRead = headers;
            lock (_readers)
            {
                _readers.Add(ReadAsync(connection));
            }

            await headers.Task;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Fail(connection, $"connect: {ex.Message}");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task OpenHttp2Async(Connection connection, string path, SemaphoreSlim gate)
    {
        try
        {
            var response = connection.Response = await _http!.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Fail(connection, $"the response is {(int)response.StatusCode}, not 200 OK");
                return;
            }

            var stream = await response.Content.ReadAsStreamAsync(_stop.Token);
            lock (_readers)
            {
                _readers.Add(ReadHttp2Async(connection, stream));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            Fail(connection, $"connect: {ex.Message}");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ReadHttp2Async(Connection connection, Stream stream)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // A zero-byte read waits for a DATA frame without a buffer; the bytes are then there to read at once.
                _ = await stream.ReadAsync(Memory<byte>.Empty, _stop.Token);
                var buffer = t_buffer ??= new byte[64 * 1024];
                var read = stream.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    Fail(connection, "the server ended the stream");
                    return;
                }

                Feed(connection, buffer.AsSpan(0, read), DateTime.UtcNow.Ticks);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                Fail(connection, $"read: {ex.Message}");
            }
        }
    }

    private async Task ReadAsync(Connection connection)
    {
        var socket = connection.Socket!;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Wait for data without holding a buffer, then read what is there into this thread's buffer. The
                // socket does not block: a read with nothing there returns at once (a thread blocked per subscriber
                // would starve the pool).
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _stop.Token);
                var buffer = t_buffer ??= new byte[64 * 1024];
                while (true)
                {
                    var read = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock)
                    {
                        break;
                    }

                    if (error != SocketError.Success)
                    {
                        throw new SocketException((int)error);
                    }

                    if (read == 0)
                    {
                        Fail(connection, "the server closed the stream");
                        return;
                    }

                    if (!Feed(connection, buffer.AsSpan(0, read), DateTime.UtcNow.Ticks))
                    {
                        return;
                    }

                    if (read < buffer.Length)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                Fail(connection, $"read: {ex.Message}");
            }
        }
    }

    private void Fail(Connection connection, string why)
    {
        if (connection.Failed)
        {
            return;
        }

        connection.Failed = true;
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstFailure, $"subscriber {connection.Index}: {why}", null);
        connection.HeadersRead?.TrySetResult();
    }

    /// <summary>Reads response bytes: the status line and headers, then the chunked body's events.</summary>
    private bool Feed(Connection c, ReadOnlySpan<byte> bytes, long now)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            switch (c.State)
            {
                case ReadState.Headers:
                    // "HTTP/1.1 200": the status code's digits are bytes 9 to 11.
                    if (c.HeaderBytes is >= 9 and <= 11 && b != (byte)"200"[c.HeaderBytes - 9])
                    {
                        Fail(c, "the response is not 200 OK");
                        return false;
                    }

                    c.HeaderBytes++;
                    c.Match = b == (byte)"\r\n\r\n"[c.Match] ? c.Match + 1 : (b == '\r' ? 1 : 0);
                    if (c.Match == 4)
                    {
                        c.State = ReadState.ChunkSize;
                        c.Match = 0;
                        c.HeadersRead?.TrySetResult();
                    }

                    break;
                case ReadState.ChunkSize:
                    if (b == '\r')
                    {
                        break;
                    }

                    if (b == '\n')
                    {
                        if (c.ChunkLeft == 0)
                        {
                            Fail(c, "the response ended (last chunk)");
                            return false;
                        }

                        c.State = ReadState.ChunkData;
                        break;
                    }

                    var digit = HexDigit(b);
                    if (digit < 0)
                    {
                        Fail(c, $"not a chunk size: byte 0x{b:x2}");
                        return false;
                    }

                    c.ChunkLeft = (c.ChunkLeft * 16) + digit;
                    break;
                case ReadState.ChunkData:
                    var take = (int)Math.Min(c.ChunkLeft, bytes.Length - i);
                    Scan(c, bytes.Slice(i, take), now);
                    c.ChunkLeft -= take;
                    i += take - 1;
                    if (c.ChunkLeft == 0)
                    {
                        c.State = ReadState.ChunkEnd;
                    }

                    break;
                case ReadState.Body:
                    // HTTP/2: the stream's bytes are the body itself (its framing was the client's).
                    Scan(c, bytes[i..], now);
                    return true;
                case ReadState.ChunkEnd:
                    if (b == '\n')
                    {
                        c.State = ReadState.ChunkSize;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>Finds <c>"sentTicks":</c> and the number after it: one per event.</summary>
    private void Scan(Connection c, ReadOnlySpan<byte> data, long now)
    {
        ReadOnlySpan<byte> key = "\"sentTicks\":"u8;
        foreach (var b in data)
        {
            if (c.Match == key.Length)
            {
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    c.Number = (c.Number * 10) + (b - '0');
                    continue;
                }

                var n = c.Received;
                if (n >= _measureFrom && n - _measureFrom < _measured)
                {
                    _latencies[(c.Index * _measured) + n - _measureFrom] = (float)TimeSpan.FromTicks(now - c.Number).TotalMilliseconds;
                }

                Volatile.Write(ref c.Received, n + 1);
                c.Match = 0;
                c.Number = 0;
            }

            c.Match = b == key[c.Match] ? c.Match + 1 : (b == key[0] ? 1 : 0);
        }
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private enum ReadState : byte
    {
        Headers,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Body,
    }

    /// <summary>One subscriber's socket and where its reader is in the response.</summary>
    private sealed class Connection(int index)
    {
        public readonly int Index = index;
        public Socket? Socket;
        public HttpResponseMessage? Response;
        public TaskCompletionSource? HeadersRead;
        public ReadState State;
        public int HeaderBytes;
        public int Match;
        public long ChunkLeft;
        public long Number;
        public int Received;
        public volatile bool Failed;
    }
}

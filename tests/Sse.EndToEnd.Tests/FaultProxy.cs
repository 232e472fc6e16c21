using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.EndToEnd.Tests;

/// <summary>Where a cut lands once the planned number of bytes has gone through.</summary>
public enum CutKind
{
    /// <summary>Right after the planned byte.</summary>
    Anywhere,

    /// <summary>Inside an event: right after the next <c>data:</c> field name.</summary>
    MidFrame,

    /// <summary>Inside a multi-byte UTF-8 character: right after its lead byte.</summary>
    MidUtf8,

    /// <summary>Between the CR and the LF of a line end: right after the CR that ends the next line of text ending in 日本.</summary>
    BetweenCrAndLf,

    /// <summary>Right after a line's end, before the next line (the blank line that dispatches, or the next field).</summary>
    AtLineEnd,
}

/// <summary>A planned cut of one connection: after at least <paramref name="AfterBytes"/> bytes toward the client, at a point of <paramref name="Kind"/>.</summary>
public sealed record CutPlan(long AfterBytes, CutKind Kind);

/// <summary>
/// A TCP proxy on 127.0.0.1 that forwards to a server and cuts connections as planned: it forwards the server's bytes
/// up to the cut point exactly, then resets both sides, as a network failure would. A connection is counted (and given
/// a plan) once a request whose target contains <see cref="PathMarker"/> goes through it.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly EndPoint _target;
    private readonly Func<int, CutPlan?> _plan;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = new();
    private int _streams;
    private int _cuts;

    public FaultProxy(EndPoint target, string pathMarker, Func<int, CutPlan?> plan)
    {
        _target = target;
        _plan = plan;
        PathMarker = pathMarker;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _ = AcceptAsync();
    }

    public Uri Address { get; }

    public string PathMarker { get; }

    /// <summary>Gets how many connections carried a marked request.</summary>
    public int Streams => Volatile.Read(ref _streams);

    /// <summary>Gets how many connections were cut.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll(_connections).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Connections end with errors by design.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _connections.Add(Task.Run(() => RelayAsync(client)));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception)
        {
            client.Dispose();
            return;
        }

        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var connection = new Connection();
        var upstream = PumpUpAsync(client, server, connection, cut.Token);
        var downstream = PumpDownAsync(server, client, connection, cut);
        await Task.WhenAny(upstream, downstream);
        await cut.CancelAsync();
        Reset(client);
        Reset(server);
        try
        {
            await Task.WhenAll(upstream, downstream);
        }
        catch (Exception)
        {
            // A reset connection ends its pumps with errors.
        }
    }

    /// <summary>Client to server: watches for the marked request, which starts the connection's plan.</summary>
    private async Task PumpUpAsync(Socket from, Socket to, Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var seen = new StringBuilder();
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            if (connection.Plan is null && !connection.Counted)
            {
                seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                if (seen.ToString().Contains(PathMarker, StringComparison.Ordinal))
                {
                    connection.Counted = true;
                    connection.Plan = _plan(Interlocked.Increment(ref _streams) - 1);
                    Volatile.Write(ref connection.Started, true);
                }
                else if (seen.Length > 64 * 1024)
                {
                    seen.Clear();
                }
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Server to client: forwards exactly up to the planned cut, then cuts.</summary>
    private async Task PumpDownAsync(Socket from, Socket to, Connection connection, CancellationTokenSource cut)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, cut.Token);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            var forward = read;
            var cutHere = false;
            if (Volatile.Read(ref connection.Started) && connection.Plan is { } plan)
            {
                for (var i = 0; i < read; i++)
                {
                    var b = buffer[i];
                    connection.Forwarded++;
                    if (connection.Forwarded >= plan.AfterBytes && IsCutPoint(plan.Kind, connection, b))
                    {
                        forward = i + 1;
                        cutHere = true;
                        break;
                    }

                    connection.Previous2 = connection.Previous1;
                    connection.Previous1 = b;
                }
            }

            await to.SendAsync(buffer.AsMemory(0, forward), SocketFlags.None, cut.Token);
            if (cutHere)
            {
                Interlocked.Increment(ref _cuts);
                return;
            }
        }
    }

    private static bool IsCutPoint(CutKind kind, Connection connection, byte b) => kind switch
    {
        CutKind.MidFrame => connection.Previous2 == (byte)'t' && connection.Previous1 == (byte)'a' && b == (byte)':' , // "...data:" (the 'a' of "data" then ':')
        CutKind.MidUtf8 => b >= 0xC2 && b <= 0xF4,
        CutKind.BetweenCrAndLf => connection.Previous1 == 0xAC && b == (byte)'\r',
        CutKind.AtLineEnd => b == (byte)'\n' && connection.Previous1 is not ((byte)'\n' or (byte)'\r'),
        _ => true,
    };

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: close with a reset, as a dropped connection looks, not an orderly end.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception)
        {
            // Already gone.
        }
    }

    private sealed class Connection
    {
        public CutPlan? Plan;
        public bool Counted;
        public bool Started;
        public long Forwarded;
        public byte Previous1;
        public byte Previous2;
    }
}

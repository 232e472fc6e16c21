using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server, which plays the network's faults on the streams of a test: it reads
/// each HTTP/1.1 request head as it passes, asks the plan what to do with the requests whose target contains the
/// marker (the first connection of a stream, then each reconnect), and cuts, stalls or answers for the server as told.
/// Everything it does is seeded (<see cref="Seed"/>) and listed (<see cref="ToString"/>), so a failing test says how to
/// replay itself.
/// </summary>
/// <remarks>
/// Each marked request is planned, also the next ones on a kept-alive connection (once the last plan did nothing or its
/// stall played); a request with a chunked body ends the reading of request heads on its connection. An HTTP/2
/// connection (prior knowledge) is planned once, when it opens, as a request with method <c>PRI</c>: only cuts and
/// stalls apply to it, counted over all its streams' bytes (cuts after a count of events are exact on HTTP/1.1 only).
/// Instances hold no static state, so tests using several proxies run in parallel.
/// </remarks>
public sealed class SseFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly EndPoint _target;
    private readonly Func<SseProxiedRequest, SseFault?>? _plan;
    private readonly string _marker;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly List<SseProxiedRequest> _requests = [];
    private readonly List<(Socket Client, Socket Server)> _open = [];
    private long _stalledUntil;
    private long _refusingUntil;
    private int _cuts;

    /// <summary>Starts the proxy.</summary>
    /// <param name="target">The server (an <c>http://127.0.0.1:port</c> address).</param>
    /// <param name="plan">What to do with each marked request (<see langword="null"/> from it: nothing), or <see langword="null"/> to only forward.</param>
    /// <param name="marker">What a request's target must contain to be planned; empty for every request. Default: every request.</param>
    /// <param name="seed">The seed of <see cref="Random"/>, or <see langword="null"/> for a new one (printed by <see cref="ToString"/>).</param>
    public SseFaultProxy(Uri target, Func<SseProxiedRequest, SseFault?>? plan = null, string? marker = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = new IPEndPoint(IPAddress.Parse(target.Host == "localhost" ? "127.0.0.1" : target.Host), target.Port);
        _plan = plan;
        _marker = marker ?? string.Empty;
        Seed = seed ?? System.Random.Shared.Next();
        Random = new Random(Seed);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = AcceptAsync();
    }

    /// <summary>Gets the proxy's address: point the client here.</summary>
    public Uri Address { get; }

    /// <summary>Gets the seed of <see cref="Random"/>: give it back to the constructor to replay a run.</summary>
    public int Seed { get; }

    /// <summary>Gets the proxy's seeded generator, for plans that pick offsets (<see cref="SseFault.CutAtRandom"/>).</summary>
    public Random Random { get; }

    /// <summary>Gets the marked requests so far, in order, with the fault each got.</summary>
    public IReadOnlyList<SseProxiedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets how many connections were cut.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Refuses connections (accepted and reset at once, as a server that is down) for <paramref name="duration"/>, or until <see cref="Accept"/>.</summary>
    /// <param name="duration">How long, or <see langword="null"/> until <see cref="Accept"/>.</param>
    public void Refuse(TimeSpan? duration = null) =>
        Interlocked.Exchange(ref _refusingUntil, duration is { } d ? Environment.TickCount64 + (long)d.TotalMilliseconds : long.MaxValue);

    /// <summary>Accepts connections again.</summary>
    public void Accept() => Interlocked.Exchange(ref _refusingUntil, 0);

    /// <summary>Stops forwarding the server's bytes on every connection for <paramref name="duration"/> (the network stalls; nothing is lost, it arrives late).</summary>
    /// <param name="duration">How long.</param>
    public void Stall(TimeSpan duration) => Interlocked.Exchange(ref _stalledUntil, Environment.TickCount64 + (long)duration.TotalMilliseconds);

    /// <summary>Cuts every open connection now (a reset, as a network failure).</summary>
    public void CutAll()
    {
        lock (_open)
        {
            foreach (var (client, server) in _open)
            {
                Reset(client);
                Reset(server);
            }
        }
    }

    /// <summary>Describes the run: the seed and every marked request with its fault, to print when a test fails.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var requests = Requests;
        return $"SseFaultProxy (seed {Seed.ToString(CultureInfo.InvariantCulture)}, {requests.Count} marked requests, {Cuts} cuts)"
            + (requests.Count == 0 ? string.Empty : ": " + string.Join("; ", requests.Select(static r => r.ToString())));
    }

    /// <summary>Stops accepting and resets every connection.</summary>
    /// <returns>A task that completes when every relay ended.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        CutAll();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        try
        {
            await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or TimeoutException or ObjectDisposedException or System.IO.IOException)
        {
            // Connections end with errors by design.
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (Environment.TickCount64 < Interlocked.Read(ref _refusingUntil))
            {
                Reset(client);
                continue;
            }

            lock (_connections)
            {
                _connections.RemoveAll(static t => t.IsCompleted);
                _connections.Add(Task.Run(() => RelayAsync(client)));
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            Reset(client);
            return;
        }

        lock (_open)
        {
            _open.Add((client, server));
        }

        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var connection = new Connection();
        var upstream = PumpUpAsync(client, server, connection, cut.Token);
        var downstream = PumpDownAsync(server, client, connection, cut.Token);
        try
        {
            await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
            await cut.CancelAsync().ConfigureAwait(false);
            Reset(client);
            Reset(server);
            await Task.WhenAll(upstream, downstream).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or System.IO.IOException)
        {
            // A reset connection ends its pumps with errors.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove((client, server));
            }
        }
    }

    /// <summary>Client to server: reads each request head before it passes, so that a marked request can be planned (and answered in the server's place).</summary>
    private async Task PumpUpAsync(Socket from, Socket to, Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var head = new List<byte>();
        long bodyLeft = 0;
        var inspecting = true;
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            if (!inspecting)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var start = 0;
            while (start < read && inspecting)
            {
                if (bodyLeft > 0)
                {
                    var body = (int)Math.Min(bodyLeft, read - start);
                    await to.SendAsync(buffer.AsMemory(start, body), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    bodyLeft -= body;
                    start += body;
                    continue;
                }

                head.Add(buffer[start++]);
                if (head.Count == 16 && Encoding.Latin1.GetString([.. head]) == "PRI * HTTP/2.0\r\n")
                {
                    // HTTP/2 with prior knowledge: the connection is planned now; its frames pass as they are.
                    connection.Tracker.Raw();
                    Plan(connection, "PRI", "*", lastEventId: null);
                    await to.SendAsync(head.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    head.Clear();
                    inspecting = false;
                    break;
                }

                var n = head.Count;
                if (n < 4 || head[n - 4] != '\r' || head[n - 3] != '\n' || head[n - 2] != '\r' || head[n - 1] != '\n')
                {
                    continue;
                }

                var (method, target, headers) = ParseHead(Encoding.Latin1.GetString([.. head]));
                if (target.Contains(_marker, StringComparison.Ordinal) && connection.MayPlan)
                {
                    // A marked request on a kept-alive connection whose last plan is over (none, or a stall that has
                    // played) is planned as a request of its own: counts start again from its response.
                    connection.StartRequest();
                    var fault = Plan(connection, method, target, headers.GetValueOrDefault("last-event-id"));
                    if (fault?.Status is { } status)
                    {
                        await RespondAsync(from, status, fault.RetryAfter, cancellationToken).ConfigureAwait(false);
                        return;
                    }
                }

                await to.SendAsync(head.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                head.Clear();
                if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    inspecting = false; // A chunked body: the rest of the connection passes as it is.
                }
                else if (headers.TryGetValue("content-length", out var length) && long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
                {
                    bodyLeft = bytes;
                }

            }

            if (start < read)
            {
                await to.SendAsync(buffer.AsMemory(start, read - start), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Server to client: forwards exactly up to the planned cut or stall.</summary>
    private async Task PumpDownAsync(Socket from, Socket to, Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            var start = 0;
            while (start < read)
            {
                await WhileStalledAsync(cancellationToken).ConfigureAwait(false);
                var forward = read - start;
                var action = Action.None;
                if (Volatile.Read(ref connection.Planned) && connection.Fault is null)
                {
                    // Nothing to do to it: only follow the stream (its ids).
                    for (var i = start; i < read; i++)
                    {
                        connection.Tracker.Take(buffer[i]);
                    }
                }
                else if (Volatile.Read(ref connection.Planned) && connection.Fault is { } fault && !connection.Done)
                {
                    for (var i = start; i < read; i++)
                    {
                        var b = buffer[i];
                        connection.Forwarded++;
                        var completedEvent = connection.Tracker.Take(b);
                        if ((fault.AfterEvents >= 0 && completedEvent && connection.Tracker.Events >= fault.AfterEvents)
                            || (fault.AfterEvents < 0 && fault.AfterBytes >= 0 && connection.Forwarded >= fault.AfterBytes && (fault.Stall > TimeSpan.Zero || IsCutPoint(fault.Point, connection, b))))
                        {
                            forward = i + 1 - start;
                            action = fault.Stall > TimeSpan.Zero ? Action.Stall : Action.Cut;
                            break;
                        }

                        connection.Previous2 = connection.Previous1;
                        connection.Previous1 = b;
                    }
                }

                await to.SendAsync(buffer.AsMemory(start, forward), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                start += forward;
                if (action == Action.Cut)
                {
                    Interlocked.Increment(ref _cuts);
                    return;
                }

                if (action == Action.Stall)
                {
                    connection.Done = true;
                    await Task.Delay(connection.Fault!.Stall, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task WhileStalledAsync(CancellationToken cancellationToken)
    {
        long left;
        while ((left = Interlocked.Read(ref _stalledUntil) - Environment.TickCount64) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, 50)), cancellationToken).ConfigureAwait(false);
        }
    }

    private SseFault? Plan(Connection connection, string method, string target, string? lastEventId)
    {
        SseFault? fault;
        lock (_requests)
        {
            // Planned one at a time, in the order the requests came: the seeded generator is drawn from in that order
            // (and a Random is not for concurrent use), so a seed replays the same cuts.
            var request = new SseProxiedRequest(_requests.Count, method, target, lastEventId, Random) { Tracker = connection.Tracker };
            _requests.Add(request);
            fault = _plan?.Invoke(request);
            request.Fault = fault;
        }

        connection.Fault = fault;
        Volatile.Write(ref connection.Planned, true);
        return fault;
    }

    private static async Task RespondAsync(Socket client, HttpStatusCode status, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var response = new StringBuilder()
            .Append("HTTP/1.1 ").Append((int)status).Append(' ').Append(status).Append("\r\n")
            .Append("Content-Length: 0\r\nConnection: close\r\n");
        if (retryAfter is { } after)
        {
            response.Append("Retry-After: ").Append(((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        await client.SendAsync(Encoding.ASCII.GetBytes(response.Append("\r\n").ToString()), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        client.Shutdown(SocketShutdown.Send);
    }

    private static (string Method, string Target, Dictionary<string, string> Headers) ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (requestLine[0], requestLine.Length > 1 ? requestLine[1] : string.Empty, headers);
    }

    private static bool IsCutPoint(SseCutPoint point, Connection connection, byte b) => point switch
    {
        SseCutPoint.MidFrame => connection.Previous2 == (byte)'t' && connection.Previous1 == (byte)'a' && b == (byte)':',
        SseCutPoint.MidUtf8 => connection.Tracker.LastWasPayload && b >= 0xC2 && b <= 0xF4,
        SseCutPoint.BetweenCrAndLf => connection.Tracker.LastWasPayload && b == (byte)'\r',
        SseCutPoint.AtLineEnd => connection.Tracker.LastWasPayload && b == (byte)'\n' && connection.Previous1 is not ((byte)'\n' or (byte)'\r'),
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
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private enum Action
    {
        None,
        Cut,
        Stall,
    }

    private sealed class Connection
    {
        public SseFault? Fault;
        public bool Planned;
        public bool Done;
        public long Forwarded;
        public byte Previous1;
        public byte Previous2;
        public SseResponseTracker Tracker { get; private set; } = new();

        /// <summary>Gets whether a marked request may be planned now: none was yet, or the last plan did nothing or has played.</summary>
        public bool MayPlan => !Planned || Fault is null || Done;

        /// <summary>Starts counting a new request's response (HTTP/1.1 answers in order: the last one is complete).</summary>
        public void StartRequest()
        {
            if (Planned)
            {
                Volatile.Write(ref Planned, false);
                Fault = null;
                Done = false;
                Forwarded = 0;
                Previous1 = Previous2 = 0;
                Tracker = new SseResponseTracker();
            }
        }
    }
}

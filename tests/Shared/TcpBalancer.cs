using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Tests;

/// <summary>
/// A small TCP load balancer on 127.0.0.1: each new connection goes to the first backend that accepts it, in order,
/// so when the first server dies its clients' reconnections reach the next. Bytes are copied both ways as they come.
/// With one backend it is a proxy that can play a network failure: <see cref="Cut"/> resets every connection and
/// refuses new ones until <see cref="Restore"/> (a server cut off from its database while its clients stay connected).
/// </summary>
internal sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<IPEndPoint> _backends = [];
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private volatile bool _refusing;

    public TcpBalancer(IEnumerable<Uri> backends)
    {
        foreach (var backend in backends)
        {
            AddBackend(backend);
        }

        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    /// <summary>A proxy to one TCP endpoint (a database on 127.0.0.1).</summary>
    public TcpBalancer(int port)
        : this([new Uri($"tcp://127.0.0.1:{port}")])
    {
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>Gets how many connections were made to each backend, in the order they were added.</summary>
    public int[] ConnectionsPerBackend { get; } = new int[8];

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Adds a backend after the others (a server that joined).</summary>
    public void AddBackend(Uri backend)
    {
        lock (_backends)
        {
            _backends.Add(new IPEndPoint(IPAddress.Parse(backend.Host), backend.Port));
        }
    }

    /// <summary>Resets every open connection and refuses new ones (they are closed as soon as accepted) until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _refusing = true;
        foreach (var (client, server) in _open)
        {
            Reset(client);
            Reset(server);
        }
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore() => _refusing = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        Cut();
        _stop.Dispose();
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            // A connection that ended meanwhile has no socket any more.
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close(0);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_refusing)
            {
                Reset(client);
                continue;
            }

            Interlocked.Increment(ref _connections);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            IPEndPoint[] backends;
            lock (_backends)
            {
                backends = [.. _backends];
            }

            TcpClient? server = null;
            for (var i = 0; i < backends.Length && server is null; i++)
            {
                var candidate = new TcpClient();
                try
                {
                    await candidate.ConnectAsync(backends[i], _stop.Token);
                    server = candidate;
                    Interlocked.Increment(ref ConnectionsPerBackend[i]);
                }
                catch (SocketException)
                {
                    candidate.Dispose();
                }
            }

            if (server is null)
            {
                return; // No backend: the client sees its connection closed, and retries.
            }

            using (server)
            {
                _open[client] = server;
                var clientStream = client.GetStream();
                var serverStream = server.GetStream();
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = CopyAsync(clientStream, serverStream, done.Token);
                var down = CopyAsync(serverStream, clientStream, done.Token);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
                _open.TryRemove(client, out _);
                client.Client.Close(0);
                server.Client.Close(0);
            }
        }
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}

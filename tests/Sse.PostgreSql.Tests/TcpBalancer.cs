using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.PostgreSql.Tests;

/// <summary>
/// A small TCP load balancer on 127.0.0.1: each new connection goes to the first backend that accepts it, in order,
/// so when the first server dies its clients' reconnections reach the next. Bytes are copied both ways as they come.
/// </summary>
internal sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    public TcpBalancer(IReadOnlyList<Uri> backends)
    {
        _backends = backends;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Gets how many connections were made to each backend.</summary>
    public int[] ConnectionsPerBackend { get; } = new int[4];

    public int Connections => Volatile.Read(ref _connections);

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

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            TcpClient? server = null;
            for (var i = 0; i < _backends.Count && server is null; i++)
            {
                var candidate = new TcpClient();
                try
                {
                    await candidate.ConnectAsync(_backends[i].Host, _backends[i].Port, _stop.Token);
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
                var clientStream = client.GetStream();
                var serverStream = server.GetStream();
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = CopyAsync(clientStream, serverStream, done.Token);
                var down = CopyAsync(serverStream, clientStream, done.Token);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
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

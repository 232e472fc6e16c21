using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Sse.Loopback.Grpc;

namespace Sse.Loopback;

/// <summary>
/// The peers' streams read two ways: drained as raw bytes (so the server is what is measured), and with the client
/// each peer ships (<c>Grpc.Net.Client</c>, <c>HubConnection.StreamAsync</c>), beside our generated client.
/// </summary>
internal static class PeerClients
{
    /// <summary>A gRPC server-streaming call over HTTP/2 (prior knowledge), its response drained as bytes; checks grpc-status.</summary>
    public static async Task<long> DrainGrpcAsync(HttpClient http2, int events)
    {
        var message = new ItemsRequest { Count = events }.ToByteArray();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/bench.Bench/Items", UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await http2.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var total = await DrainAsync(await response.Content.ReadAsStreamAsync());
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? string.Join(",", values) : "(none)";
        return status == "0" ? total : throw new InvalidOperationException($"The gRPC call ended with grpc-status {status}.");
    }

    /// <summary>A SignalR hub stream over a WebSocket (JSON protocol, no negotiate), drained as bytes until its completion message.</summary>
    public static async Task<long> DrainSignalRAsync(Uri address, int events)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{address.Authority}/hub"), CancellationToken.None);
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"type\":4,\"invocationId\":\"1\",\"target\":\"Items\",\"arguments\":[{events}]}}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);

        // The completion message ({"type":3,...}) ends the stream; the last bytes of each read are kept so that a
        // completion split across two reads is still found.
        const int Carry = 8;
        var buffer = new byte[64 * 1024];
        long total = 0;
        var kept = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(kept), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The hub closed the connection before the stream completed.");
            }

            total += result.Count;
            var seen = kept + result.Count;
            if (buffer.AsSpan(0, seen).IndexOf("{\"type\":3"u8) >= 0)
            {
                break;
            }

            kept = Math.Min(Carry, seen);
            buffer.AsSpan(seen - kept, kept).CopyTo(buffer);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return total;
    }

    /// <summary>The quotes read with Grpc.Net.Client's generated client.</summary>
    public static async Task<int> ReadGrpcAsync(GrpcChannel channel, int events)
    {
        var client = new Bench.BenchClient(channel);
        using var call = client.Items(new ItemsRequest { Count = events });
        var count = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            count += call.ResponseStream.Current.Seq >= 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>A SignalR hub connection (WebSockets, JSON protocol with the same source-generated metadata).</summary>
    public static async Task<HubConnection> ConnectSignalRAsync(Uri address)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/hub"), static options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .AddJsonProtocol(static options => options.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, LoopbackJson.Default))
            .Build();
        await connection.StartAsync();
        return connection;
    }

    /// <summary>The quotes read with <c>HubConnection.StreamAsync</c>.</summary>
    public static async Task<int> ReadSignalRAsync(HubConnection connection, int events)
    {
        var count = 0;
        await foreach (var quote in connection.StreamAsync<Quote>("Items", events))
        {
            count += quote.Seq >= 0 ? 1 : 0;
        }

        return count;
    }

    public static async Task<long> DrainAsync(System.IO.Stream stream)
    {
        await using var _ = stream;
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}

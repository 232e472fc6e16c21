using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Runtime;
using Sse.Runtime.AspNetCore;
using Xunit;
using Xunit.Abstractions;

namespace Sse.EndToEnd.Tests;

/// <summary>Many subscribers over real connections: everyone gets everything in order; a stalled one does not hold anyone back.</summary>
public sealed class FanOutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThousandSubscribers_EachReceiveEveryOneOfAThousandBroadcasts_InOrder()
    {
        const int Subscribers = 1_000;
        const int Broadcasts = 1_000;
        await using var host = await TestServer.StartAsync(new StreamProbe(), new TestLoggerProvider());
        var publisher = host.Services.GetRequiredService<ChatFeedPublisher>();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue };
        var client = new ChatFeedClient(new HttpClient(handler) { BaseAddress = host.BaseAddress });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var connecting = Stopwatch.StartNew();
        var subscriptions = new List<SseSubscription<ChatMessage>>();
        for (var i = 0; i < Subscribers; i += 50)
        {
            subscriptions.AddRange(await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.Room("fan-out").ConnectAsync(cts.Token))));
        }

        Assert.Equal(Subscribers, publisher.Room("fan-out").SubscriberCount);
        output.WriteLine($"{Subscribers} subscribers connected in {connecting.ElapsedMilliseconds} ms");

        var readers = subscriptions.Select(subscription => Task.Run(async () =>
        {
            var expected = 0;
            await foreach (var message in subscription.WithCancellation(cts.Token))
            {
                Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), message.Text);
                if (++expected == Broadcasts)
                {
                    break;
                }
            }

            return expected;
        })).ToList();

        var publishing = Stopwatch.StartNew();
        for (var i = 0; i < Broadcasts; i++)
        {
            await publisher.Room("fan-out").PublishAsync(new ChatMessage("hub", i.ToString(CultureInfo.InvariantCulture)), cts.Token);
        }

        var counts = await Task.WhenAll(readers);
        output.WriteLine($"{Broadcasts} broadcasts to {Subscribers} subscribers delivered in {publishing.ElapsedMilliseconds} ms");
        Assert.All(counts, static c => Assert.Equal(Broadcasts, c));
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    [Fact]
    public async Task StalledSubscriber_IsDisconnected_OthersReceiveEverything()
    {
        const int Events = 20_000;
        var logs = new TestLoggerProvider();
        await using var host = await TestServer.StartAsync(new StreamProbe(), logs, hub: static o =>
        {
            o.MaxQueuedEvents = 200;
            o.MaxQueuedBytes = 64 * 1024;
        });
        var publisher = host.Services.GetRequiredService<ChatFeedPublisher>();
        var topic = publisher.Room("stall");

        // A client that subscribes and never reads: its socket buffers fill, then its queue.
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port);
        stalled.ReceiveBufferSize = 4096;
        await stalled.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /chat/rooms/stall HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n\r\n"));

        var client = new ChatFeedClient(new HttpClient { BaseAddress = host.BaseAddress });
        await using var reader = await client.Room("stall").ConnectAsync();
        await WaitUntilAsync(() => topic.SubscriberCount == 2);
        var progress = 0;
        var reading = Task.Run(async () =>
        {
            var expected = 0;
            await foreach (var message in reader)
            {
                Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), message.Text);
                Volatile.Write(ref progress, ++expected);
            }

            return expected;
        });

        var text = new string('x', 2_000); // 40 MB in all: more than any socket buffers hold
        for (var i = 0; i < Events; i++)
        {
            await topic.PublishAsync(new ChatMessage(text, i.ToString(CultureInfo.InvariantCulture)));
            while (i - Volatile.Read(ref progress) > 16)
            {
                await Task.Delay(1); // a publisher at a pace the reading client keeps up with; the stalled one does not
            }
        }

        await WaitUntilAsync(() => Volatile.Read(ref progress) == Events);

        // The reader is still subscribed; the stalled one was disconnected and is gone.
        await WaitUntilAsync(() => topic.SubscriberCount == 1);
        Assert.Contains(logs.Entries, static e => e.Message.Contains("fell behind", StringComparison.Ordinal));
        Assert.False(reading.IsCompleted);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The condition was never met.");
            await Task.Delay(10);
        }
    }
}

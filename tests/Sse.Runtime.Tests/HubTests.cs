using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Sse.Runtime.Tests;

/// <summary>The hub's guarantees, in-process: exact sequences under races, bounded memory, nothing left behind.</summary>
[Collection(HubMemoryCollection.Name)]
public class HubTests(ITestOutputHelper output)
{
    private static readonly SseEventFormat<string> Text = SseEventFormat.Text();

    private static (SseHub Hub, InMemorySseTopicLog Log) CreateHub(Action<SseHubOptions>? configure = null)
    {
        var options = new SseHubOptions();
        configure?.Invoke(options);
        var log = new InMemorySseTopicLog(Options.Create(options));
        return (new SseHub(log, Options.Create(options)), log);
    }

    [Fact]
    public async Task TextItems_OnlyCrAndCrLfBecomeLf_OtherCharactersArriveAsPublished()
    {
        var (hub, _) = CreateHub();
        var topic = hub.Topic("text", Text);
        var id = await topic.PublishAsync("a");

        // SSE breaks lines at CR, LF and CRLF only: form feed, NEL and the Unicode line and paragraph separators are data.
        await topic.PublishAsync("1\r\n2\r3\n4\f5\u0085 6\u2028 7\u2029 8\v9");
        await using var enumerator = topic.SubscribeAsync(id).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal("1\n2\n3\n4\f5\u0085 6\u2028 7\u2029 8\v9", enumerator.Current.Data);
    }

    [Fact]
    public async Task JsonItems_AConvertersRawLineBreaks_BecomeSpaces_AsInIteratorStreams()
    {
        var (hub, log) = CreateHub();
        var topic = hub.Topic("raw", SseEventFormat.Json(RuntimeTestJson.Default.Multiline));

        await topic.PublishAsync(new Multiline(5));

        var stored = (await log.ReadAsync("raw", 0, 10, default)).Events.Single().Data;
        Assert.Equal("{   \"a\": 5,    \"b\": \"x\" }", System.Text.Encoding.UTF8.GetString(stored.Span));
    }

    [Fact]
    public async Task TenThousandSubscribeDisconnectCycles_LeaveNothingBehind()
    {
        var (hub, log) = CreateHub();
        var topic = hub.Topic("cycles", Text);

        async Task CycleAsync(int n)
        {
            for (var i = 0; i < n; i++)
            {
                using var cts = new CancellationTokenSource();
                await using var enumerator = topic.SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
                var next = enumerator.MoveNextAsync(); // subscribes, then waits for an event
                await cts.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
            }
        }

        await CycleAsync(1_000); // warm up
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await CycleAsync(10_000);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(0, topic.SubscriberCount);
        Assert.Empty(hub.GetSubscribedTopics());
        Assert.Equal(0, log.TopicCount);
        output.WriteLine($"Managed memory before {before:N0} B, after 10,000 cycles {after:N0} B.");
        Assert.True(after - before < 512 * 1024, $"Managed memory grew by {after - before:N0} bytes over 10,000 cycles.");
    }

    [Fact]
    public async Task PublishRacingSubscribeWithResume_EverySubscriberSeesTheExactSequenceAfterItsId()
    {
        const int Iterations = 40;
        const int Events = 400;
        const int Subscribers = 6;
        const string End = "end";
        for (var seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            var (hub, _) = CreateHub(static o => o.ReplayCount = 10_000);
            var topic = hub.Topic("race", Text);
            var ids = new string[Events];
            var published = 0;

            // Publish on one thread while subscribers resume, on others, from random ids already published (or live).
            var publisher = Task.Run(async () =>
            {
                for (var i = 0; i < Events; i++)
                {
                    ids[i] = await topic.PublishAsync(i.ToString(CultureInfo.InvariantCulture));
                    Volatile.Write(ref published, i + 1);
                    if (random.Next(8) == 0)
                    {
                        await Task.Yield();
                    }
                }
            });

            var choices = Enumerable.Range(0, Subscribers).Select(_ => (Delay: random.Next(0, 3), Pick: random.NextDouble())).ToList();
            var subscribers = choices.Select(choice => Task.Run(async () =>
            {
                await Task.Delay(choice.Delay);
                var available = Volatile.Read(ref published);
                var after = (int)Math.Floor(choice.Pick * (available + 1)) - 1; // -1: live only
                var seen = new List<string>();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await foreach (var item in topic.SubscribeAsync(after < 0 ? null : ids[after], cts.Token))
                {
                    if (item.Data == End)
                    {
                        break;
                    }

                    seen.Add(item.Data);
                }

                return (After: after, Seen: seen);
            })).ToList();

            // Once every subscriber is in, an end marker that all of them get.
            await publisher;
            await WaitUntilAsync(() => topic.SubscriberCount == Subscribers || subscribers.Any(static s => s.IsFaulted));
            await topic.PublishAsync(End);

            foreach (var subscriber in subscribers)
            {
                var (after, seen) = await subscriber;
                if (after >= 0)
                {
                    Assert.Equal(Enumerable.Range(after + 1, Events - after - 1).Select(static i => i.ToString(CultureInfo.InvariantCulture)), seen);
                }
                else if (seen.Count > 0)
                {
                    // Live only: a contiguous run up to the last event.
                    var first = int.Parse(seen[0], CultureInfo.InvariantCulture);
                    Assert.Equal(Enumerable.Range(first, Events - first).Select(static i => i.ToString(CultureInfo.InvariantCulture)), seen);
                }
            }
        }
    }

    [Fact]
    public async Task SlowSubscriber_IsDisconnected_OthersGetEverything_MemoryStaysBounded()
    {
        const int Events = 100_000;
        var (hub, _) = CreateHub(static o =>
        {
            o.MaxQueuedEvents = 500;
            o.MaxQueuedBytes = 64 * 1024;
        });
        var topic = hub.Topic("flood", Text);

        // The slow one takes the first event and then stops reading.
        using var slowCts = new CancellationTokenSource();
        var slow = topic.SubscribeAsync(cancellationToken: slowCts.Token).GetAsyncEnumerator(slowCts.Token);
        var slowFirst = slow.MoveNextAsync().AsTask();

        var progress = new int[3];
        var readers = Enumerable.Range(0, 3).Select(r => ReadAllAsync(topic, Events, progress, r)).ToList();
        await WaitUntilAsync(() => topic.SubscriberCount == 4);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < Events; i++)
        {
            await topic.PublishAsync(i.ToString(CultureInfo.InvariantCulture));
            if (i % 100 == 0)
            {
                // The readers keep up (within their bound), as subscribers that read do; the slow one never reads.
                while (progress.Min() < i - 300)
                {
                    await Task.Delay(1);
                }
            }
        }

        foreach (var reader in readers)
        {
            Assert.Equal(Events, await reader);
        }

        Assert.True(await slowFirst);
        var during = GC.GetTotalMemory(forceFullCollection: true);

        // The slow subscriber was closed: its enumeration says so (never a silent end), and it is gone from the topic.
        var slowCount = 1;
        await Assert.ThrowsAsync<SseSubscriptionLostException>(async () =>
        {
            while (await slow.MoveNextAsync())
            {
                slowCount++;
            }
        });

        await slow.DisposeAsync();
        Assert.True(slowCount <= 501, $"The slow subscriber got {slowCount} events past its bound.");
        Assert.Equal(0, topic.SubscriberCount);
        output.WriteLine($"Managed memory before {before:N0} B, with 100,000 events published {during:N0} B; the slow one got {slowCount}.");
        Assert.True(during - before < 32 * 1024 * 1024, $"Memory grew by {during - before:N0} bytes.");
    }

    [Fact]
    public async Task InProcessSubscriber_UnderDropOldest_IsEndedWithTheSignal_NeverThinnedInSilence()
    {
        var (hub, _) = CreateHub(static o =>
        {
            o.MaxQueuedEvents = 10;
            o.SlowConsumerPolicy = SseSlowConsumerPolicy.DropOldest;
        });
        var topic = hub.Topic("ticks", Text);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var subscriber = topic.SubscribeAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = subscriber.MoveNextAsync().AsTask();
        await WaitUntilAsync(() => topic.SubscriberCount == 1);
        await topic.PublishAsync("0");
        Assert.True(await first);
        for (var i = 1; i < 100; i++)
        {
            await topic.PublishAsync(i.ToString(CultureInfo.InvariantCulture));
        }

        // An in-process reader has no sse-gap to hear: it gets an exact prefix, then the lost-subscription signal.
        var seen = new List<string> { subscriber.Current.Data };
        await Assert.ThrowsAsync<SseSubscriptionLostException>(async () =>
        {
            while (await subscriber.MoveNextAsync())
            {
                seen.Add(subscriber.Current.Data);
            }
        });

        Assert.Equal(Enumerable.Range(0, seen.Count).Select(static i => i.ToString(CultureInfo.InvariantCulture)), seen);
        Assert.True(seen.Count <= 11, string.Join(",", seen));
        Assert.Equal(0, topic.SubscriberCount);
    }

    [Fact]
    public async Task ResumeFromAnotherEpoch_IsRejected()
    {
        var (first, _) = CreateHub();
        var id = await first.Topic("t", Text).PublishAsync("x");
        var (second, _) = CreateHub(); // a restarted server: a new epoch

        await Assert.ThrowsAsync<SseResumeRejectedException>(async () =>
        {
            await foreach (var item in second.Topic("t", Text).SubscribeAsync(id))
            {
            }
        });
    }

    private static async Task<int> ReadAllAsync(SseTopic<string> topic, int count, int[]? progress = null, int index = 0)
    {
        var expected = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var item in topic.SubscribeAsync(cancellationToken: cts.Token))
        {
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), item.Data);
            if (progress is not null)
            {
                Volatile.Write(ref progress[index], expected);
            }

            if (++expected == count)
            {
                break;
            }
        }

        return expected;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The condition was never met.");
            await Task.Delay(5);
        }
    }
}

/// <summary>
/// The hub's memory proofs read the process's managed heap: they run alone, after the parallel tests, so that no other
/// test's allocations are counted as the hub's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HubMemoryCollection
{
    public const string Name = "Hub memory";
}

using System;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using Sse.Runtime.AspNetCore;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>One timer per heartbeat interval for every stream: which streams it asks, and what a tick costs.</summary>
public class HeartbeatWheelTests
{
    [Fact]
    public void EveryHalfInterval_TheStreamsQuietForAnInterval_AreAskedOnce_AndATickAllocatesNothing()
    {
        var time = new FakeTimeProvider();
        using var heartbeats = new SseHeartbeats(time);
        var asked = 0;
        Action onDue = () => Interlocked.Increment(ref asked);
        var streams = Enumerable.Range(0, 10_000).Select(_ => heartbeats.Register(TimeSpan.FromSeconds(15), onDue)).ToArray();

        time.Advance(TimeSpan.FromSeconds(7.5)); // the first tick: nobody has been quiet for 15 s yet
        Assert.Equal(0, asked);
        time.Advance(TimeSpan.FromSeconds(7.5));
        Assert.Equal(10_000, asked);

        // A stream that wrote is not asked; one that left is never asked again.
        streams[0].Wrote(time.GetTimestamp());
        streams[1].Dispose();
        var before = GC.GetAllocatedBytesForCurrentThread();
        time.Advance(TimeSpan.FromSeconds(7.5));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000 + 9_998, asked);

        // The least a tick allocated over three: the timer's own bookkeeping (FakeTimeProvider, a JIT tier-up on this
        // thread) may add a few KB to one tick, while a list of the due streams costs about 260 KB every time.
        for (var tick = 0; tick < 2; tick++)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            time.Advance(TimeSpan.FromSeconds(7.5));
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // Before, each tick built a new list of the due streams: about 260 KB here, 2.6 MB at 100,000.
        Assert.True(allocated < 16_384, $"A tick over 10,000 idle streams allocated {allocated:N0} bytes.");
    }
}

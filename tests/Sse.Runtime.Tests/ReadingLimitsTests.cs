using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>The maximum event size and the idle timeout, each fed whole and in chunkings.</summary>
public class ReadingLimitsTests
{
    private static readonly string[] Chunkings = ["whole", "bytes", "random1"];

    public static TheoryData<string> AllChunkings() => new(Chunkings);

    [Theory]
    [MemberData(nameof(AllChunkings))]
    public async Task EndlessLine_FailsAtTheLimit(string chunking)
    {
        var options = new SseClientOptions { MaxEventSize = 1000 };
        var input = "data: " + new string('x', 5000);

        var ex = await Assert.ThrowsAsync<SseEventTooLargeException>(() => Reading.ReadAllAsync(Chunked(input, chunking), options));

        Assert.Equal(1000, ex.MaxEventSize);
        Assert.Contains("1000 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllChunkings))]
    public async Task DataWithoutBlankLine_FailsAtTheLimit(string chunking)
    {
        var options = new SseClientOptions { MaxEventSize = 1000 };
        var input = string.Concat(Enumerable.Repeat("data: 0123456789\n", 200));

        await Assert.ThrowsAsync<SseEventTooLargeException>(() => Reading.ReadAllAsync(Chunked(input, chunking), options));
    }

    [Theory]
    [MemberData(nameof(AllChunkings))]
    public async Task ManyEventsEachUnderTheLimit_AllRead(string chunking)
    {
        var options = new SseClientOptions { MaxEventSize = 100 };
        var input = string.Concat(Enumerable.Range(0, 500).Select(static i => $"id: {i}\ndata: {new string('y', 60)}\n\n"));

        var items = await Reading.ReadAllAsync(Chunked(input, chunking), options);

        Assert.Equal(500, items.Count);
        Assert.Equal("499", items[^1].EventId);
    }

    [Fact]
    public async Task LongLineInOneByteReads_ReadWhole()
    {
        // 1 MiB of data on one line, one byte per read: the parser resumes its line-end search where the last read
        // stopped, so this is linear (benchmarks/Sse.Benchmarks LongLineBenchmarks measures it), not 10^12 byte scans.
        var value = new string('x', 1024 * 1024);
        var input = "data: " + value + "\n\n";

        var items = await Reading.ReadAllAsync(Chunked(input, "bytes"), new SseClientOptions { MaxEventSize = 2 * 1024 * 1024 });

        Assert.Equal(value, Assert.Single(items).Data);
    }

    [Fact]
    public async Task EventExactlyAtTheLimit_Read()
    {
        const string Event = "data: abc\n\n"; // 10 bytes before the blank line's terminator, 11 with it
        var items = await Reading.ReadAllAsync(Chunked(Event, "whole"), new SseClientOptions { MaxEventSize = Event.Length });

        Assert.Equal("abc", Assert.Single(items).Data);
        await Assert.ThrowsAsync<SseEventTooLargeException>(() => Reading.ReadAllAsync(Chunked(Event, "whole"), new SseClientOptions { MaxEventSize = Event.Length - 2 }));
    }

    [Fact]
    public async Task NothingArrives_FailsWithIdleTimeout()
    {
        var options = new SseClientOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) };
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SseIdleTimeoutException>(() => Reading.ReadAllAsync(new TrickleStream("data: a\n\n"u8.ToArray(), TimeSpan.FromMilliseconds(10), chunks: 2), options));

        Assert.Equal(TimeSpan.FromMilliseconds(200), ex.IdleTimeout);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(200), "The timeout fired early.");
    }

    [Fact]
    public async Task HeartbeatsKeepAQuietStreamAlive()
    {
        // On a fake clock, so a busy machine cannot stretch the gaps: 12 heartbeats 50 ms apart are 600 ms without an
        // event but never 300 ms without a byte; only after they stop does the timeout fire.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var options = new SseClientOptions { IdleTimeout = TimeSpan.FromMilliseconds(300), TimeProvider = time };
        var stream = new TrickleStream(": hb\n"u8.ToArray(), TimeSpan.FromMilliseconds(50), chunks: 12, time);
        var reading = Reading.ReadAllAsync(stream, options);

        for (var i = 0; i < 12; i++)
        {
            // Only once the reader waits for the next heartbeat may the clock move.
            var waited = Stopwatch.StartNew();
            while (stream.Waits <= i)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The reader never waited for the next heartbeat.");
                await Task.Delay(5);
            }

            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await Task.Delay(50);
        Assert.False(reading.IsCompleted, "The stream timed out while heartbeats were arriving.");

        time.Advance(TimeSpan.FromMilliseconds(250));
        await Task.Delay(50);
        Assert.False(reading.IsCompleted, "The stream timed out before 300 ms without a byte.");

        time.Advance(TimeSpan.FromMilliseconds(100)); // past the timeout and the next quarter-timeout check
        var ex = await Assert.ThrowsAsync<SseIdleTimeoutException>(() => reading);
        Assert.Equal(TimeSpan.FromMilliseconds(300), ex.IdleTimeout);
    }

    [Fact]
    public async Task ASlowConsumer_IsNotASilentServer()
    {
        // The consumer spends four idle timeouts on each event while the next bytes are already there: only the time a
        // read waits for bytes counts, so the stream goes on (before, the next read failed at once as idle).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var options = new SseClientOptions { IdleTimeout = TimeSpan.FromMilliseconds(300), TimeProvider = time };
        var stream = new ReadyChunksStream("data: a\n\ndata: b\n\n"u8.ToArray(), "data: c\n\n"u8.ToArray());
        var seen = new System.Collections.Generic.List<string>();
        await foreach (var item in SseStreamReader.ReadEventsAsync(stream, RawFormat.Instance, options, CancellationToken.None))
        {
            seen.Add(item.Data);
            time.Advance(TimeSpan.FromMilliseconds(1200));
        }

        Assert.Equal(["a", "b", "c"], seen);
    }

    [Fact]
    public async Task CallerCancellation_IsNotAnIdleTimeout()
    {
        var options = new SseClientOptions { IdleTimeout = TimeSpan.FromSeconds(30) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in SseStreamReader.ReadEventsAsync(new TrickleStream("x"u8.ToArray(), TimeSpan.FromMilliseconds(10), chunks: 0), RawFormat.Instance, options, cts.Token))
            {
            }
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Options_RejectNonPositiveSizes(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SseClientOptions { MaxEventSize = size });

    [Fact]
    public void Options_RejectZeroIdleTimeoutButAcceptInfinite()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SseClientOptions { IdleTimeout = TimeSpan.Zero });
        Assert.Equal(Timeout.InfiniteTimeSpan, new SseClientOptions { IdleTimeout = Timeout.InfiniteTimeSpan }.IdleTimeout);
        Assert.Equal(1024 * 1024, new SseClientOptions().MaxEventSize);
        Assert.Equal(TimeSpan.FromSeconds(45), new SseClientOptions().IdleTimeout);
    }

    private static ChunkedStream Chunked(string input, string chunking) =>
        new(Encoding.UTF8.GetBytes(input), WhatwgReadingTests.Chunker(chunking));
}

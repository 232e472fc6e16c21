using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

[assembly: SseClient(typeof(Sse.Loopback.IStreamBench))]

namespace Sse.Loopback;

/// <summary>A quote: about 50 bytes of JSON, with a numeric event id.</summary>
public sealed record Quote([property: SseEventId] long Seq, string Symbol, decimal Price);

/// <summary>One stream as fast as the producer can yield, and one that never yields (an idle connection).</summary>
[SseStream("/bench", JsonContext = typeof(LoopbackJson))]
public interface IStreamBench
{
    [SseGet("/items")]
    IAsyncEnumerable<Quote> Items(int count, CancellationToken cancellationToken = default);

    [SseGet("/idle")]
    IAsyncEnumerable<Quote> Idle(CancellationToken cancellationToken = default);
}

internal sealed class StreamBench : IStreamBench
{
    public static IEnumerable<Quote> Quotes(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new Quote(i, "MSFT", 400.25m + (i % 100));
        }
    }

    public async IAsyncEnumerable<Quote> Items(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var quote in Quotes(count))
        {
            yield return quote;
        }
    }

    private static int s_idle;

    /// <summary>Gets how many idle streams have started.</summary>
    public static int IdleStreams => Volatile.Read(ref s_idle);

    public async IAsyncEnumerable<Quote> Idle([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref s_idle);
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}

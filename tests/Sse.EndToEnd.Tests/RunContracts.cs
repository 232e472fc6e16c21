using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Sse.Contracts;

[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IRunFeed))]

namespace Sse.EndToEnd.Tests;

/// <summary>A run contract: a POST starts counting; clients attach by the run's id.</summary>
[SseStream("/runs-e2e", JsonContext = typeof(RunJson))]
public interface IRunFeed
{
    /// <summary>Counts from 0 to <see cref="CountRequest.Count"/> - 1, <see cref="CountRequest.DelayMs"/> apart.</summary>
    [SsePost("/count")]
    [SseRun]
    IAsyncEnumerable<Step> Count(CountRequest request, CancellationToken cancellationToken = default);
}

/// <summary>How to count; <paramref name="FailAt"/> throws at that index (−1: never).</summary>
public sealed record CountRequest(int Count, int DelayMs, int FailAt = -1);

/// <summary>One step of a count.</summary>
public sealed record Step(int Index);

[JsonSerializable(typeof(CountRequest))]
[JsonSerializable(typeof(Step))]
internal sealed partial class RunJson : JsonSerializerContext;

/// <summary>What the runs did: how many started, how many were stopped before their end, how many finished.</summary>
public sealed class RunProbe
{
    private int _starts;
    private int _cancelled;
    private int _byToken;
    private int _finished;

    public int Starts => Volatile.Read(ref _starts);

    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>Gets how many of the stopped runs were stopped by their token (rather than only disposed after a step).</summary>
    public int CancelledByToken => Volatile.Read(ref _byToken);

    public int Finished => Volatile.Read(ref _finished);

    internal void Started() => Interlocked.Increment(ref _starts);

    internal void SawCancel(bool byToken)
    {
        if (byToken)
        {
            Interlocked.Increment(ref _byToken);
        }

        Interlocked.Increment(ref _cancelled);
    }

    internal void Done() => Interlocked.Increment(ref _finished);
}

/// <summary>Counts; a scoped service, resolved in the run's own scope.</summary>
internal sealed class RunFeed(RunProbe probe) : IRunFeed
{
    public async IAsyncEnumerable<Step> Count(CountRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (request.Count < 0)
        {
            throw new BadHttpRequestException("count cannot be negative.", StatusCodes.Status400BadRequest);
        }

        probe.Started();
        var finished = false;
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                await Task.Delay(request.DelayMs, cancellationToken);
                if (i == request.FailAt)
                {
                    throw new System.InvalidOperationException("The count broke on purpose.");
                }

                yield return new Step(i);
            }

            finished = true;
            probe.Done();
        }
        finally
        {
            // Stopped before its end: its token fired (in a delay, or between items, where the run disposes it).
            if (!finished && request.FailAt < 0)
            {
                probe.SawCancel(cancellationToken.IsCancellationRequested);
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.EndToEnd.Tests;

/// <summary>Lets tests observe the server side of a stream: when an iterator starts and when its finally runs.</summary>
public sealed class StreamProbe
{
    private int _open;

    private TaskCompletionSource _started = New();
    private TaskCompletionSource _finished = New();

    public Task Started => _started.Task;

    public Task Finished => _finished.Task;

    public void Reset()
    {
        _started = New();
        _finished = New();
    }

    /// <summary>Gets how many probed streams are running now.</summary>
    public int Open => Volatile.Read(ref _open);

    public void OnStarted()
    {
        Interlocked.Increment(ref _open);
        _started.TrySetResult();
    }

    public void OnFinished()
    {
        Interlocked.Decrement(ref _open);
        _finished.TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed class TestFeed(StreamProbe probe) : ITestFeed
{
    public async IAsyncEnumerable<Echo> Echo(int id, string path, string? text = null, Mood mood = Mood.Calm, DateTimeOffset? at = null, Guid? tenant = null, bool flag = false, DateTime? local = null, double ratio = 1.5, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new Echo(id, text, mood, at, tenant, flag, local, ratio, path);
    }

    public async IAsyncEnumerable<Counted> Count(int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < n; i++)
        {
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return new Counted(i, Payload(i));
        }
    }

    public async IAsyncEnumerable<Counted> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        probe.OnStarted();
        try
        {
            for (var i = 0L; ; i++)
            {
                yield return new Counted(i, Payload(i));
                await Task.Delay(10, cancellationToken);
            }
        }
        finally
        {
            probe.OnFinished();
        }
    }

    public async IAsyncEnumerable<SseItem<Counted>> Items(int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        for (var i = 0; i < n; i++)
        {
            yield return new SseItem<Counted>(new Counted(i, Payload(i)), i % 2 == 0 ? "even" : "odd")
            {
                EventId = "item-" + i,
                ReconnectionInterval = i == 0 ? TimeSpan.FromMilliseconds(1500) : null,
            };
        }
    }

    public async IAsyncEnumerable<Counted> Fail(int after, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < after; i++)
        {
            yield return new Counted(i, Payload(i));
            await Task.Delay(1, cancellationToken);
        }

        throw new InvalidOperationException("The feed broke on purpose.");
    }

    public async IAsyncEnumerable<string> Tokens(string prompt, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var token in Tokenize(prompt))
        {
            yield return token;
        }
    }

    public static string[] Tokenize(string prompt) => ["Echo", ": ", prompt, "\n", "line two\r\nline three", "", "data: not a field"];

    public async IAsyncEnumerable<Counted> Slow(int count, int delayMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        probe.OnStarted();
        try
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Delay(delayMs, cancellationToken);
                yield return new Counted(i, "slow");
            }
        }
        finally
        {
            probe.OnFinished();
        }
    }

#pragma warning disable CS1998 // an iterator that refuses before its first item
    public async IAsyncEnumerable<Counted> Refuse(int status, [EnumeratorCancellation] CancellationToken cancellationToken = default)
#pragma warning restore CS1998
    {
        throw new Microsoft.AspNetCore.Http.BadHttpRequestException("There is no such thing here.", status);
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }

    /// <summary>A payload with characters that must survive JSON and the wire: quotes, backslashes, line breaks, non-ASCII.</summary>
    public static string Payload(long i) => $"item {i}: \"quoted\" \\ line\nbreak\r\n ünïcødé 🚀 data: fake\n\nevent: forged";
}

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.EndToEnd.Tests;

internal static class Streams
{
    /// <summary>How long any one stream in these tests may take before the test fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var item in source.WithCancellation(cts.Token))
        {
            list.Add(item);
        }

        return list;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Sse.PostgreSql.Node;

namespace Sse.Tests;

/// <summary>The notes the several-servers suites publish to the node app, and reading them back.</summary>
internal static class NodeNotes
{
    /// <summary>How long a suite waits for one note before it calls the stream stuck.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Notes numbered <paramref name="from"/> on.</summary>
    public static Note[] Notes(long from, int count, string by = "test") => [.. Enumerable.Range(0, count).Select(i => new Note(from + i, by))];

    /// <summary>The numbers <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1.</summary>
    public static List<long> Seqs(long from, int count) => [.. Enumerable.Range(0, count).Select(i => from + i)];

    /// <summary>Reads the next <paramref name="count"/> notes' numbers (fewer when the stream ends).</summary>
    public static async Task<List<long>> TakeAsync(IAsyncEnumerator<Note> stream, int count)
    {
        var notes = new List<long>();
        while (notes.Count < count && await stream.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            notes.Add(stream.Current.Seq);
        }

        return notes;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Sse.Runtime.Infrastructure;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// The WHATWG event-stream interpretation rules (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation),
/// as the client reads them. Every case runs with LF, CR and CRLF line ends (unless it is about line ends itself) and
/// fed whole, byte by byte, and in seeded random chunkings, so every byte sequence is also split across reads.
/// </summary>
public class WhatwgReadingTests
{
    /// <summary>An expected event: its data, name, the last event id in effect, and the retry it carried.</summary>
    public sealed record E(string Data, string Type = "message", string Id = "", long? Retry = null);

    private sealed record Case(string Input, E[] Expected, bool VaryNewlines = true);

    /// <summary>
    /// The cases, in <c>tests/Shared/whatwg-reading.json</c>: one table for every reader in the repository (the
    /// TypeScript client's tests read it too).
    /// </summary>
    private static readonly Dictionary<string, Case> Cases = LoadCases();

    private static Dictionary<string, Case> LoadCases()
    {
        using var document = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(Sse.Tests.RepoPaths.File("tests/Shared/whatwg-reading.json")));
        var cases = new Dictionary<string, Case>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var expected = entry.GetProperty("expected").EnumerateArray().Select(static e => new E(
                e.GetProperty("data").GetString()!,
                e.GetProperty("type").GetString()!,
                e.GetProperty("id").GetString()!,
                e.TryGetProperty("retry", out var retry) ? retry.GetInt64() : null)).ToArray();
            cases.Add(entry.GetProperty("name").GetString()!, new Case(entry.GetProperty("input").GetString()!, expected, entry.GetProperty("varyNewlines").GetBoolean()));
        }

        return cases;
    }

    public static IEnumerable<object[]> AllCases()
    {
        foreach (var (name, @case) in Cases)
        {
            foreach (var newline in @case.VaryNewlines ? new[] { "LF", "CR", "CRLF" } : ["AsWritten"])
            {
                foreach (var chunking in new[] { "whole", "bytes", "random1", "random2" })
                {
                    yield return [name, newline, chunking];
                }
            }
        }
    }

    [Fact]
    public void Suite_HasAtLeastFiftyCases() => Assert.True(Cases.Count >= 50, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task Case_ReadsAsSpecified(string name, string newline, string chunking)
    {
        var @case = Cases[name];
        var input = newline switch
        {
            "CR" => @case.Input.Replace("\n", "\r", StringComparison.Ordinal),
            "CRLF" => @case.Input.Replace("\n", "\r\n", StringComparison.Ordinal),
            _ => @case.Input,
        };

        var items = await Reading.ReadAllAsync(new ChunkedStream(Encoding.UTF8.GetBytes(input), Chunker(chunking)));

        var actual = items.Select(static i => new E(i.Data, i.EventType, i.EventId ?? string.Empty, i.ReconnectionInterval is { } r ? (long)r.TotalMilliseconds : null)).ToArray();
        Assert.Equal(@case.Expected, actual);
    }

    internal static Func<int, int> Chunker(string chunking)
    {
        switch (chunking)
        {
            case "whole":
                return static _ => int.MaxValue;
            case "bytes":
                return static _ => 1;
            default:
                // A fixed seed per chunking, so a failure replays exactly (string hash codes differ per process).
                var random = new Random(chunking == "random1" ? 1 : 2);
                return _ => random.Next(1, 10);
        }
    }
}

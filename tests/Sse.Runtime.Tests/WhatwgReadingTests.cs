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

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Fields and values
        ["data"] = new("data: a\n\n", [new("a")]),
        ["data-no-space"] = new("data:a\n\n", [new("a")]),
        ["data-one-space-stripped"] = new("data:  a\n\n", [new(" a")]),
        ["data-tab-kept"] = new("data:\ta\n\n", [new("\ta")]),
        ["data-colon-in-value"] = new("data: a:b: c\n\n", [new("a:b: c")]),
        ["data-spaces-only"] = new("data:   \n\n", [new("  ")]),
        ["data-empty-after-colon"] = new("data:\n\n", [new(string.Empty)]),
        ["data-empty-after-space"] = new("data: \n\n", [new(string.Empty)]),
        ["data-field-without-colon"] = new("data\n\n", [new(string.Empty)]),
        ["data-unicode"] = new("data: ü 🚀 日本\n\n", [new("ü 🚀 日本")]),
        ["data-nul-kept"] = new("data: a\0b\n\n", [new("a\0b")]),
        ["data-looks-like-fields"] = new("data: {\"x\":\"data: y\\nevent: z\"}\n\n", [new("{\"x\":\"data: y\\nevent: z\"}")]),
        ["data-long-line"] = new("data: " + new string('x', 20_000) + "\n\n", [new(new string('x', 20_000))]),

        // Multi-line data
        ["multiline-joined-with-lf"] = new("data: a\ndata: b\ndata: c\n\n", [new("a\nb\nc")]),
        ["multiline-spec-stock"] = new("data: YHOO\ndata: +2\ndata: 10\n\n", [new("YHOO\n+2\n10")]),
        ["multiline-empty-middle"] = new("data: a\ndata\ndata: b\n\n", [new("a\n\nb")]),
        ["multiline-two-empty"] = new("data\ndata\n\n", [new("\n")]),
        ["multiline-comment-between"] = new("data: a\n: note\ndata: b\n\n", [new("a\nb")]),
        ["multiline-unknown-field-between"] = new("data: a\nfoo: x\ndata: b\n\n", [new("a\nb")]),

        // Comments
        ["comment-ignored"] = new(": comment\ndata: a\n\n", [new("a")]),
        ["comment-empty"] = new(":\ndata: a\n\n", [new("a")]),
        ["comment-with-colons"] = new(":a:b:c\ndata: a\n\n", [new("a")]),
        ["comments-only"] = new(": one\n: two\n\n: three\n\n", []),
        ["comment-blank-does-not-dispatch-pending"] = new("data: a\n:\n\n", [new("a")]),

        // Event names
        ["event-named"] = new("event: add\ndata: 73857293\n\n", [new("73857293", "add")]),
        ["event-spec-add-remove"] = new("event: add\ndata: 1\n\nevent: remove\ndata: 2\n\nevent: add\ndata: 3\n\n", [new("1", "add"), new("2", "remove"), new("3", "add")]),
        ["event-type-resets-after-dispatch"] = new("event: x\ndata: a\n\ndata: b\n\n", [new("a", "x"), new("b")]),
        ["event-type-resets-without-data"] = new("event: x\n\ndata: a\n\n", [new("a")]),
        ["event-empty-is-message"] = new("event:\ndata: a\n\n", [new("a")]),
        ["event-without-colon-is-message"] = new("event\ndata: a\n\n", [new("a")]),
        ["event-one-space-stripped"] = new("event:  x\ndata: a\n\n", [new("a", " x")]),
        ["event-last-wins"] = new("event: x\nevent: y\ndata: a\n\n", [new("a", "y")]),
        ["event-after-data"] = new("data: a\nevent: late\n\n", [new("a", "late")]),
        ["event-unicode"] = new("event: ünï\ndata: a\n\n", [new("a", "ünï")]),

        // Ids
        ["id-set"] = new("id: 1\ndata: a\n\n", [new("a", Id: "1")]),
        ["id-persists"] = new("id: 1\ndata: a\n\ndata: b\n\n", [new("a", Id: "1"), new("b", Id: "1")]),
        ["id-spec-example"] = new(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n", [new("first event", Id: "1"), new("second event"), new(" third event")]),
        ["id-empty-resets"] = new("id: 1\ndata: a\n\nid:\ndata: b\n\n", [new("a", Id: "1"), new("b")]),
        ["id-with-nul-ignored"] = new("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", [new("a", Id: "1"), new("b", Id: "1")]),
        ["id-without-data-persists"] = new("id: 5\n\ndata: a\n\n", [new("a", Id: "5")]),
        ["id-leading-space-kept-after-one"] = new("id:  7\ndata: a\n\n", [new("a", Id: " 7")]),
        ["id-with-spaces"] = new("id: a b\ndata: a\n\n", [new("a", Id: "a b")]),
        ["id-changes"] = new("id: 1\ndata: a\n\nid: 2\ndata: b\n\n", [new("a", Id: "1"), new("b", Id: "2")]),
        ["id-in-unterminated-event-no-dispatch"] = new("data: a\n\nid: 3\ndata: b\n", [new("a")]),

        // Retry
        ["retry-digits"] = new("retry: 1500\ndata: a\n\n", [new("a", Retry: 1500)]),
        ["retry-zero"] = new("retry: 0\ndata: a\n\n", [new("a", Retry: 0)]),
        ["retry-non-digit-ignored"] = new("retry: 15a\ndata: a\n\n", [new("a")]),
        ["retry-negative-ignored"] = new("retry: -1\ndata: a\n\n", [new("a")]),
        ["retry-extra-space-ignored"] = new("retry:  5\ndata: a\n\n", [new("a")]),
        ["retry-empty-ignored"] = new("retry:\ndata: a\n\n", [new("a")]),
        ["retry-decimal-ignored"] = new("retry: 1.5\ndata: a\n\n", [new("a")]),
        ["retry-largest-kept"] = new("retry: 2147483647\ndata: a\n\n", [new("a", Retry: int.MaxValue)]),
        ["retry-15-digits-clamped"] = new("retry: 999999999999999\ndata: a\n\n", [new("a", Retry: int.MaxValue)]),
        ["retry-19-digits-clamped"] = new("retry: 9223372036854775807\ndata: a\n\n", [new("a", Retry: int.MaxValue)]),
        ["retry-30-digits-clamped"] = new("retry: 123456789012345678901234567890\ndata: a\n\ndata: b\n\n", [new("a", Retry: int.MaxValue), new("b")]),

        // Dispatch
        ["dispatch-needs-blank-line"] = new("data: a\n\ndata: b", [new("a")]),
        ["dispatch-unterminated-line-end-only"] = new("data: a\n\ndata: b\n", [new("a")]),
        ["dispatch-no-data-no-event"] = new("event: x\nid: 1\n\n", []),
        ["dispatch-many-blank-lines"] = new("\n\n\ndata: a\n\n\n\ndata: b\n\n\n", [new("a"), new("b")]),
        ["dispatch-three-events"] = new("data:a\n\ndata:b\n\ndata:c\n\n", [new("a"), new("b"), new("c")]),
        ["dispatch-spec-empty-blocks"] = new("data\n\ndata\ndata\n\ndata:", [new(string.Empty), new("\n")]),
        ["empty-stream"] = new(string.Empty, []),

        // Unknown fields and names
        ["unknown-field-ignored"] = new("foo: bar\ndata: a\n\n", [new("a")]),
        ["field-names-case-sensitive"] = new("Data: a\nDATA: b\n\n", []),
        ["field-name-with-space-ignored"] = new("data : a\n\n", []),

        // BOM
        ["bom-stripped-at-start"] = new("\uFEFFdata: a\n\n", [new("a")]),
        ["bom-second-not-stripped"] = new("\uFEFF\uFEFFdata: a\n\n", []),
        ["bom-mid-stream-not-stripped"] = new("data: a\n\n\uFEFFdata: b\n\n", [new("a")]),

        // Line ends (fixed, not varied)
        ["line-ends-mixed"] = new("data: a\r\ndata: b\rdata: c\n\r\n", [new("a\nb\nc")], VaryNewlines: false),
        ["line-ends-cr-cr-dispatches"] = new("data: a\r\rdata: b\r\r", [new("a"), new("b")], VaryNewlines: false),
        ["line-ends-crlf-then-cr"] = new("data: a\r\n\rdata: b\n\r\n", [new("a"), new("b")], VaryNewlines: false),
        ["line-ends-lf-cr-is-blank"] = new("data: a\n\rdata: b\n\n", [new("a"), new("b")], VaryNewlines: false),
    };

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

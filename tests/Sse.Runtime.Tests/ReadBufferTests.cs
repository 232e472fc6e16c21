using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// The read buffer grows while the stream outruns its reader (reads whose bytes were waiting and filled all the room)
/// and goes back to its first size when the stream waits again; no event may be lost, split or repeated on the way.
/// </summary>
public class ReadBufferTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(8, 2)]
    [InlineData(16, 3)]
    public async Task BurstsAndQuiet_ReadEveryEventAcrossBufferChanges(int phaseReads, int seed)
    {
        // Events of every shape: one data line, several, ids, names, comments, CRLF and CR line ends, and some longer
        // than the first buffer (4 KiB), so that lines are cut at every buffer size.
        var random = new Random(seed);
        var wire = new StringBuilder();
        var expected = new List<(string Data, string Type, string Id)>();
        var id = string.Empty;
        for (var i = 0; i < 20_000; i++)
        {
            var newline = (i % 7) switch { 0 => "\r\n", 1 => "\r", _ => "\n" };
            var lines = i % 11 == 0 ? 3 : 1;
            var length = i % 397 == 0 ? random.Next(4000, 20000) : random.Next(1, 120);
            var data = Enumerable.Range(0, lines).Select(l => new string((char)('a' + ((i + l) % 26)), length)).ToArray();
            if (i % 3 == 0)
            {
                id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                wire.Append("id: ").Append(id).Append(newline);
            }

            if (i % 13 == 0)
            {
                wire.Append(": a comment").Append(newline);
            }

            var type = i % 5 == 0 ? "named" : "message";
            if (type != "message")
            {
                wire.Append("event: ").Append(type).Append(newline);
            }

            foreach (var line in data)
            {
                wire.Append("data: ").Append(line).Append(newline);
            }

            wire.Append(newline);
            expected.Add((string.Join("\n", data), type, id));
        }

        var stream = new PhasedStream(Encoding.UTF8.GetBytes(wire.ToString()), phaseReads, seed);
        var items = await Reading.ReadAllAsync(stream);

        Assert.Equal(expected, items.Select(static i => (i.Data, i.EventType, i.EventId ?? string.Empty)).ToList());
        Assert.True(stream.LargestRead > (phaseReads >= 8 ? 32 * 1024 : 8 * 1024), $"The read buffer never grew during the bursts (largest read {stream.LargestRead} bytes).");
        Assert.True(stream.ShrankAfterGrowing, "The read buffer never went back to 4 KiB once the stream was quiet.");
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Sse.Tests;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>Our server read by clients we did not write, and our client reading servers we did not write.</summary>
public sealed class InteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = Streams.Timeout;

    [Fact]
    public async Task SseParser_ReadsExactlyWhatOurServerWrites()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        await using var stream = await http.GetStreamAsync(new Uri("/e2e/items?n=4", UriKind.Relative));

        var items = new List<SseItem<Counted>>();
        // Our server ends every stream with the reserved sse-end event (data empty), which a plain parser hands out too.
        var parser = SseParser.Create(stream, static (type, data) => type == "sse-end" ? null! : JsonSerializer.Deserialize(data, E2EJson.Default.Counted)!);
        await foreach (var item in parser.EnumerateAsync(new CancellationTokenSource(Timeout).Token))
        {
            items.Add(item);
        }

        Assert.Equal("sse-end", items[^1].EventType);
        items.RemoveAt(items.Count - 1);
        Assert.Equal(["even", "odd", "even", "odd"], items.Select(static i => i.EventType));
        Assert.Equal(["item-0", "item-1", "item-2", "item-3"], items.Select(static i => i.EventId));
        Assert.Equal(Enumerable.Range(0, 4).Select(static i => new Counted(i, TestFeed.Payload(i))), items.Select(static i => i.Data));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), items[0].ReconnectionInterval);
    }

    [Fact]
    public async Task OurClient_ReadsSseFormatterOutput()
    {
        var items = await Streams.ToListAsync(server.SkewedClient.FromFormatter(4));

        Assert.Equal(["counted", "other", "counted", "other"], items.Select(static i => i.EventType));
        Assert.Equal(["0", "1", "2", "3"], items.Select(static i => i.EventId));
        Assert.Equal(Enumerable.Range(0, 4).Select(static i => new Counted(i, TestFeed.Payload(i))), items.Select(static i => i.Data));
        Assert.Equal(TimeSpan.FromSeconds(2), items[0].ReconnectionInterval);
    }

    [Fact]
    public async Task OurClient_ReadsTypedResultsServerSentEvents()
    {
        var items = await Streams.ToListAsync(server.SkewedClient.FromTypedResults(5));

        Assert.Equal(Enumerable.Range(0, 5).Select(static i => new Counted(i, TestFeed.Payload(i))), items);
    }

    [RequiresToolFact("curl", "apt-get install -y curl")]
    public async Task Curl_PrintsTheFramesTheReadmeShows()
    {
        var curl = Tools.Require("curl", "apt-get install -y curl");
        var start = new ProcessStartInfo(curl, ["-sN", "--max-time", "20", new Uri(server.BaseAddress, "/e2e/count?n=2").ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(
            "event: counted\nid: 0\ndata: {\"Seq\":0,\"Payload\":" + JsonSerializer.Serialize(TestFeed.Payload(0), E2EJson.Default.String) + "}\n\n" +
            "event: counted\nid: 1\ndata: {\"Seq\":1,\"Payload\":" + JsonSerializer.Serialize(TestFeed.Payload(1), E2EJson.Default.String) + "}\n\n" +
            "event: sse-end\ndata: \n\n",
            output);
    }

}

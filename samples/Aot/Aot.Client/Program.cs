using System;
using System.Linq;
using AotSample;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;

[assembly: SseClient(typeof(IAotFeed))]

// Aot.Client <server url>: streams every kind of event from the server, checks it, prints a summary; exit code 0 when all is as expected.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Aot.Client <server url>");
    return 2;
}

var services = new ServiceCollection();
services.AddAotFeedClient(http => http.BaseAddress = new Uri(args[0]));
await using var provider = services.BuildServiceProvider();
var feed = provider.GetRequiredService<IAotFeed>();
var failures = 0;

var expected = 0L;
await foreach (var number in feed.Numbers(1000))
{
    failures += Check(number == new Number(expected, "n" + expected), $"number {expected}: {number}");
    expected++;
}

failures += Check(expected == 1000, $"numbers: {expected} of 1000");
Console.WriteLine($"numbers: {expected}");

var shapes = 0;
await foreach (var shape in feed.Shapes(4, lastEventId: 9))
{
    var seq = 10 + shapes;
    failures += Check(shape.Seq == seq && (seq % 2 == 0 ? shape is Circle : shape is Square), $"shape {seq}: {shape}");
    Console.WriteLine($"shape: {shape}");
    shapes++;
}

var words = 0;
await foreach (var word in feed.Words(new Sentence("native aot streams"), upper: true))
{
    failures += Check(word.EventType == "word" && word.EventId == words.ToString(System.Globalization.CultureInfo.InvariantCulture) && word.Data.Index == words, $"word {words}: {word.Data}");
    Console.WriteLine($"word: {word.Data.Text} (id {word.EventId})");
    words++;
}

failures += Check(shapes == 4 && words == 3, $"shapes {shapes}, words {words}");
Console.WriteLine(failures == 0 ? "ok" : $"{failures} failures");
return failures == 0 ? 0 : 1;

static int Check(bool condition, string what)
{
    if (!condition)
    {
        Console.Error.WriteLine("unexpected " + what);
    }

    return condition ? 0 : 1;
}

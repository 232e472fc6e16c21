using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using AotSample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sse.Contracts;

[assembly: SseServer(typeof(IAotFeed))]

// Aot.Server [--urls http://127.0.0.1:0]: prints "Listening on <url>" once it accepts requests.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<IAotFeed, AotFeed>();
var app = builder.Build();
app.MapAotFeed();
await app.StartAsync();
Console.WriteLine($"Listening on {app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}");
await app.WaitForShutdownAsync();

internal sealed class AotFeed : IAotFeed
{
    public async IAsyncEnumerable<Number> Numbers(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0L; i < count; i++)
        {
            if (i % 100 == 0)
            {
                await Task.Yield();
            }

            yield return new Number(i, "n" + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    public async IAsyncEnumerable<Shape> Shapes(int count, long? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = (lastEventId ?? -1) + 1;
        for (var seq = start; seq < start + count; seq++)
        {
            await Task.Yield();
            yield return seq % 2 == 0 ? new Circle(seq, seq * 0.5) : new Square(seq, seq * 2.0);
        }
    }

    public async IAsyncEnumerable<SseItem<Word>> Words(Sentence sentence, bool upper = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var index = 0;
        foreach (var word in sentence.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return new SseItem<Word>(new Word(upper ? word.ToUpperInvariant() : word, index), "word") { EventId = index.ToString(CultureInfo.InvariantCulture) };
            index++;
        }
    }
}

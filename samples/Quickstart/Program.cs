using System;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quickstart;

// `dotnet run --project samples/Quickstart`           starts the server, streams ten greetings with the generated client, exits.
// `dotnet run --project samples/Quickstart -- --serve` keeps the server running so `curl -N <url>` shows the raw frames.
var serve = args.Contains("--serve");
var port = args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() ?? "0";

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(serve ? LogLevel.Information : LogLevel.Warning);
builder.Services.AddScoped<IHelloFeed, HelloFeed>();    // the implementation
var app = builder.Build();
app.MapHelloFeed();                                       // generated: GET /hello/greetings/{name}
await app.StartAsync();

var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
if (serve)
{
    Console.WriteLine($"Serving on {address}. Try:  curl -N {address}/hello/greetings/world");
    await app.WaitForShutdownAsync();
    return 0;
}

// The client side: any .NET app registers the generated typed client and injects the interface.
// It gets a service container of its own here, as a separate console app would have.
var services = new ServiceCollection();
services.AddHelloFeedClient(http => http.BaseAddress = new Uri(address)); // generated
#pragma warning disable ASP0000 // This container is the client app's, not a second copy of the server's.
await using var provider = services.BuildServiceProvider();
#pragma warning restore ASP0000
var feed = provider.GetRequiredService<IHelloFeed>();     // the generated HelloFeedClient

await foreach (var hello in feed.Greetings("world", count: 10))
{
    Console.WriteLine($"event: hello  id: {hello.Idx}  data: {{ Message = {hello.Message}, Idx = {hello.Idx} }}");
}

await app.StopAsync();
return 0;

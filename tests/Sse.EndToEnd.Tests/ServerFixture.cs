using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port, serving the generated endpoints and a few hand-written ones.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private ServiceProvider? _clientServices;

    public StreamProbe Probe { get; } = new();

    public TestLoggerProvider Logs { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The generated client, resolved the way users resolve it: AddTestFeedClient + IHttpClientFactory.</summary>
    public ITestFeed Client => _clientServices!.GetRequiredService<ITestFeed>();

    public ISkewedFeed SkewedClient => _clientServices!.GetRequiredService<ISkewedFeed>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(static options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(Probe);
        builder.Services.AddScoped<ITestFeed, TestFeed>();

        _app = builder.Build();
        _app.MapTestFeed();
        _app.MapGet("/e2e/not-a-stream", static context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"hello":"json"}""");
        });
        _app.MapGet("/e2e/wrong-payload", static async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: counted\nid: 7\ndata: {\"Seq\":\"not a number\",\"Payload\":\"x\"}\n\n");
        });
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);

        var services = new ServiceCollection();
        services.AddTestFeedClient(http => http.BaseAddress = BaseAddress);
        services.AddSkewedFeedClient(http => http.BaseAddress = BaseAddress);
        _clientServices = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_clientServices is not null)
        {
            await _clientServices.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Collects log entries so tests can assert what the server logged.</summary>
public sealed class TestLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
    }
}

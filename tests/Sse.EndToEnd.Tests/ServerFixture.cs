using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Runtime.AspNetCore;
using Sse.Testing;
using Xunit;

namespace Sse.EndToEnd.Tests;

/// <summary>
/// Real Kestrel servers on 127.0.0.1 with free ports, serving the generated endpoints and a few hand-written ones: an
/// <see cref="SseTestHost"/> (the kit users get), so every test here runs the kit's host, its in-memory log kept over
/// restarts and wrapped as an <see cref="SseFaultyTopicLog"/>, and its proxy in front (<see cref="ProxyAddress"/>).
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(SseTestHost host)
    {
        Host = host;
    }

    /// <summary>The kit's host: its proxy, its restarts, its topic log.</summary>
    public SseTestHost Host { get; }

    /// <summary>The running server's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>The server's own HTTP/1.1 address (not through the proxy).</summary>
    public Uri BaseAddress => Host.ServerAddress;

    /// <summary>The address through the kit's fault proxy.</summary>
    public Uri ProxyAddress => Host.Address;

    /// <summary>An h2c (HTTP/2 without TLS, prior knowledge) address, when requested.</summary>
    public Uri? Http2Address { get; private set; }

    public static async Task<TestServer> StartAsync(StreamProbe probe, TestLoggerProvider logs, bool http2 = false, ResumeProbe? resumeProbe = null, Action<SseHubOptions>? hub = null, Action<IServiceCollection>? services = null, Action<WebApplication>? middleware = null, SseTestHostOptions? options = null)
    {
        resumeProbe ??= new ResumeProbe();
        var host = await SseTestHost.StartAsync(
            builder =>
            {
                if (http2)
                {
                    builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0, static listen => listen.Protocols = HttpProtocols.Http2));
                }

                builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
                builder.Services.AddSingleton(probe);
                builder.Services.AddScoped<ITestFeed, TestFeed>();
                builder.Services.AddSingleton<IMarketFeed, MarketFeed>();
                builder.Services.AddSingleton<IEdgeFeed, EdgeFeed>();
                builder.Services.AddSingleton(resumeProbe);
                builder.Services.AddHttpContextAccessor();
                builder.Services.AddScoped<IResumeFeed, ResumeFeed>();
                builder.Services.AddChatFeedPublisher(hub);
                builder.Services.AddScoped<IChatFeed, ChatFeed>();
                builder.Services.AddAuthentication(TestUserAuthentication.SchemeName)
                    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestUserAuthentication>(TestUserAuthentication.SchemeName, null);
                // TypedResults.ServerSentEvents serializes with the app's JSON options; match the contract's naming.
                builder.Services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.PropertyNamingPolicy = null);
                services?.Invoke(builder.Services);
            },
            app =>
            {
                middleware?.Invoke(app);
                app.UseAuthentication();
                app.MapTestFeed();
                app.MapChatFeed();
                app.MapMarketFeed();
                app.MapEdgeFeed();
                app.MapResumeFeed();
                ResumeEndpoints.Map(app);
                app.MapGroup("/hb").MapTestFeed(endpointNamePrefix: "Heartbeat.").WithSseHeartbeat(TimeSpan.FromMilliseconds(100));
                MapHandWritten(app);
            },
            options);

        var server = new TestServer(host);
        if (http2)
        {
            var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(static a => new Uri(a)).ToList();
            server.Http2Address = addresses.Single(a => a.Port != host.ServerAddress.Port);
        }

        return server;
    }

    /// <summary>Stops the server (not the proxy) with a limit on the graceful part.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Host.StopServerAsync(cancellationToken);

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private static void MapHandWritten(WebApplication app)
    {
        app.MapGet("/browser", static () => Results.Content(BrowserPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/resume-page", static () => Results.Content(BrowserPage.ResumeHtml, "text/html; charset=utf-8"));
        app.MapGet("/e2e/not-a-stream", static context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"hello":"json"}""");
        });
        // Responses as unusual servers send them: status and content type from the route.
        app.MapGet("/e2e/response/{status:int}", static async (HttpContext context, int status, string? contentType) =>
        {
            context.Response.StatusCode = status;
            if (contentType is not null)
            {
                context.Response.Headers.ContentType = contentType;
            }

            if (status != 204)
            {
                await context.Response.WriteAsync("event: counted\nid: 1\ndata: {\"Seq\":1,\"Payload\":\"p\"}\n\n", context.RequestAborted);
            }
        });
        app.MapGet("/e2e/wrong-payload", static async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: counted\nid: 7\ndata: {\"Seq\":\"not a number\",\"Payload\":\"x\"}\n\n");
        });
        app.MapGet("/e2e/interop/formatter", static async (HttpContext context) =>
        {
            var n = int.Parse(context.Request.Query["n"]!, System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentType = "text/event-stream";
            await SseFormatter.WriteAsync(InteropItems(n), context.Response.Body, static (item, buffer) =>
            {
                using var writer = new Utf8JsonWriter(buffer);
                JsonSerializer.Serialize(writer, item.Data, E2EJson.Default.Counted);
            }, context.RequestAborted);
        });
        app.MapGet("/e2e/interop/typed-results", static (int n) =>
            TypedResults.ServerSentEvents(InteropItems(n).Select(static item => item.Data), eventType: "counted"));
    }

    /// <summary>Items as other writers frame them: every other one named, ids, a retry, and multi-line-free JSON.</summary>
    private static async System.Collections.Generic.IAsyncEnumerable<SseItem<Counted>> InteropItems(int n, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return new SseItem<Counted>(new Counted(i, TestFeed.Payload(i)), i % 2 == 0 ? "counted" : "other")
            {
                EventId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ReconnectionInterval = i == 0 ? TimeSpan.FromSeconds(2) : null,
            };
        }
    }
}

/// <summary>One server shared by a test class, with the generated clients registered as users register them.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private TestServer? _server;
    private ServiceProvider? _clientServices;

    public StreamProbe Probe { get; } = new();

    public TestLoggerProvider Logs { get; } = new();

    public Uri BaseAddress => _server!.BaseAddress;

    /// <summary>The generated client, resolved the way users resolve it: AddTestFeedClient + IHttpClientFactory.</summary>
    public ITestFeed Client => _clientServices!.GetRequiredService<ITestFeed>();

    public ISkewedFeed SkewedClient => _clientServices!.GetRequiredService<ISkewedFeed>();

    public IMarketFeed MarketClient => _clientServices!.GetRequiredService<IMarketFeed>();

    public IOldMarketFeed OldMarketClient => _clientServices!.GetRequiredService<IOldMarketFeed>();

    public IEdgeFeed EdgeClient => _clientServices!.GetRequiredService<IEdgeFeed>();

    /// <summary>The resumable client, with fast reconnects.</summary>
    public IResumeFeed ResumeClient => _clientServices!.GetRequiredService<IResumeFeed>();

    /// <summary>The chat client, with fast reconnects.</summary>
    public IChatFeed ChatClient => _clientServices!.GetRequiredService<IChatFeed>();

    /// <summary>The server's hub and chat publisher.</summary>
    public SseHub Hub => _server!.Services.GetRequiredService<SseHub>();

    /// <summary>The server's services (its endpoints, its publishers, its meters).</summary>
    public IServiceProvider Services => _server!.Services;

    public ChatFeedPublisher ChatPublisher => _server!.Services.GetRequiredService<ChatFeedPublisher>();

    public IServiceProvider ClientServices => _clientServices!;

    /// <summary>What the resumable endpoints saw.</summary>
    public ResumeProbe ResumeProbe => _server!.Services.GetRequiredService<ResumeProbe>();

    /// <summary>What the clients logged.</summary>
    public TestLoggerProvider ClientLogs { get; } = new();

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Probe, Logs);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(ClientLogs).SetMinimumLevel(LogLevel.Debug));
        services.AddTestFeedClient(http => http.BaseAddress = BaseAddress);
        // The skewed client also reads servers that are not ours (SseFormatter, TypedResults, hand-written responses), which
        // do not announce their end: their end of response is a normal end.
        services.AddSkewedFeedClient(http => http.BaseAddress = BaseAddress, options => options.RequireEndEvent = false);
        services.AddMarketFeedClient(http => http.BaseAddress = BaseAddress);
        services.AddEdgeFeedClient(http => http.BaseAddress = BaseAddress);
        services.AddChatFeedClient(http => http.BaseAddress = BaseAddress, static options =>
        {
            options.InitialReconnectDelay = TimeSpan.FromMilliseconds(10);
            options.MaxReconnectDelay = TimeSpan.FromMilliseconds(100);
        });
        services.AddResumeFeedClient(http => http.BaseAddress = BaseAddress, static options =>
        {
            options.InitialReconnectDelay = TimeSpan.FromMilliseconds(10);
            options.MaxReconnectDelay = TimeSpan.FromMilliseconds(100);
        });
        services.AddOldMarketFeedClient(http => http.BaseAddress = BaseAddress, options => options.MaxEventSize = 64 * 1024);
        _clientServices = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_clientServices is not null)
        {
            await _clientServices.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
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

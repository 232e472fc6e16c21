using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sse.Runtime.AspNetCore;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Testing;

/// <summary>
/// Runs the endpoints of a contract under test on Kestrel at 127.0.0.1 (a free port), behind a
/// <see cref="SseFaultProxy"/>, so a test drives the generated client through cuts, stalls and statuses; restarts the
/// server on the same port, keeping or losing the hub's history; and hands out the topic log as a
/// <see cref="SseFaultyTopicLog"/> for backplane outages. No static state: tests with hosts of their own run in parallel.
/// </summary>
public sealed class SseTestHost : IAsyncDisposable
{
    private readonly Action<WebApplicationBuilder> _configure;
    private readonly Action<WebApplication> _map;
    private readonly SseTestHostOptions _options;
    private WebApplication? _app;
    private ISseTopicLog? _history;
    private int _port;

    private SseTestHost(Action<WebApplicationBuilder> configure, Action<WebApplication> map, SseTestHostOptions options)
    {
        _configure = configure;
        _map = map;
        _options = options;
    }

    /// <summary>Gets the proxy in front of the server: its address is the one clients use, its plan the faults.</summary>
    public SseFaultProxy Proxy { get; private set; } = null!;

    /// <summary>Gets the address clients use (the proxy's).</summary>
    public Uri Address => Proxy.Address;

    /// <summary>Gets the server's own address, past the proxy.</summary>
    public Uri ServerAddress { get; private set; } = null!;

    /// <summary>Gets the running server's services (its publisher, its hub).</summary>
    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("The server is stopped.")).Services;

    /// <summary>Gets the hub's topic log, wrapped to fail appends and reads or hold wake-ups on demand (when the application uses the default in-memory log).</summary>
    public SseFaultyTopicLog? TopicLog { get; private set; }

    /// <summary>Starts the server and the proxy.</summary>
    /// <param name="configure">Registers the application's services (its contract's publisher, its implementation, <c>AddSseHub</c>).</param>
    /// <param name="map">Maps its endpoints (<c>app.MapChatFeed()</c>).</param>
    /// <param name="options">The faults, the seed, the clock; <see langword="null"/> for none.</param>
    /// <returns>The running host.</returns>
    public static async Task<SseTestHost> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map, SseTestHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(map);
        var host = new SseTestHost(configure, map, options ?? new SseTestHostOptions());
        await host.StartServerAsync().ConfigureAwait(false);
        host.Proxy = new SseFaultProxy(host.ServerAddress, host._options.Faults, host._options.Marker, host._options.Seed);
        return host;
    }

    /// <summary>An <see cref="HttpClient"/> to the proxy, for the generated client: <c>new ChatFeedClient(host.CreateHttpClient(), recorder.Options)</c>.</summary>
    /// <returns>The client; the test disposes it.</returns>
    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { BaseAddress = Proxy.Address };

    /// <summary>
    /// Stops the server (its streams end as in a deploy: clients see the connection drop) and starts it again on the
    /// same port. With <paramref name="keepHistory"/>, the hub's in-memory log survives, so clients resume from their
    /// ids; without, the new server has a new epoch, and resuming clients get the reset signal.
    /// </summary>
    /// <param name="keepHistory">Whether the topics' events survive the restart.</param>
    /// <returns>A task that completes when the new server listens.</returns>
    public async Task RestartAsync(bool keepHistory = true)
    {
        await StopServerAsync().ConfigureAwait(false);
        if (!keepHistory)
        {
            _history = null;
        }

        await StartServerAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the proxy and the server.</summary>
    /// <returns>A task that completes when both stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync().ConfigureAwait(false);
        }

        await StopServerAsync().ConfigureAwait(false);
    }

    private async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var port = _port;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        if (_options.TimeProvider is { } clock)
        {
            builder.Services.AddSingleton(clock);
        }

        _configure(builder);

        // The default in-memory log is kept by the host (not the server), so a restart can keep its history; it is
        // wrapped for faults, and the wrapper is not disposed with the server.
        var log = builder.Services.LastOrDefault(static d => d.ServiceType == typeof(ISseTopicLog));
        if (log is null || log.ImplementationType == typeof(InMemorySseTopicLog))
        {
            builder.Services.AddSseHub();
            builder.Services.Replace(ServiceDescriptor.Singleton<ISseTopicLog>(services =>
            {
                _history ??= new InMemorySseTopicLog(services.GetRequiredService<IOptions<SseHubOptions>>(), services.GetService<TimeProvider>());
                return TopicLog = new SseFaultyTopicLog(_history);
            }));
        }

        var app = builder.Build();
        _map(app);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
        ServerAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _port = ServerAddress.Port;
    }

    private async Task StopServerAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>How <see cref="SseTestHost"/> runs the server under test.</summary>
public sealed class SseTestHostOptions
{
    /// <summary>Gets or sets what the proxy does to each marked request (see <see cref="SseFaultProxy"/>), or <see langword="null"/> for nothing.</summary>
    public Func<SseProxiedRequest, SseFault?>? Faults { get; set; }

    /// <summary>Gets or sets what a request's target must contain to be planned (default: every request).</summary>
    public string? Marker { get; set; }

    /// <summary>Gets or sets the proxy's seed (printed in every failure), or <see langword="null"/> for a new one.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets the server's clock (heartbeats, retention), for example a <c>FakeTimeProvider</c> the client's <c>SseClientOptions.TimeProvider</c> shares.</summary>
    public TimeProvider? TimeProvider { get; set; }
}

using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
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
/// <see cref="SseFaultyTopicLog"/> for backplane outages. The server is either a minimal host the test builds
/// (<see cref="StartAsync(Action{WebApplicationBuilder}, Action{WebApplication}, SseTestHostOptions?)"/>) or the
/// application's own <c>Program</c> through its <c>WebApplicationFactory</c> (on .NET 10). No static state: tests with
/// hosts of their own run in parallel.
/// </summary>
public sealed partial class SseTestHost : IAsyncDisposable
{
    private readonly Func<int, Action<IServiceCollection>, Task<RunningServer>> _start;
    private readonly SseTestHostOptions _options;
    private RunningServer? _server;
    private ISseTopicLog? _history;
    private int _port;

    private SseTestHost(Func<int, Action<IServiceCollection>, Task<RunningServer>> start, SseTestHostOptions options)
    {
        _start = start;
        _options = options;
    }

    /// <summary>Gets the proxy in front of the server: its address is the one clients use, its plan the faults.</summary>
    public SseFaultProxy Proxy { get; private set; } = null!;

    /// <summary>Gets the address clients use (the proxy's).</summary>
    public Uri Address => Proxy.Address;

    /// <summary>Gets the server's own address, past the proxy.</summary>
    public Uri ServerAddress { get; private set; } = null!;

    /// <summary>Gets the running server's services (its publisher, its hub).</summary>
    public IServiceProvider Services => (_server ?? throw new InvalidOperationException("The server is stopped.")).Services;

    /// <summary>Gets the hub's topic log, wrapped to fail appends and reads or hold wake-ups on demand (when the application uses the default in-memory log).</summary>
    public SseFaultyTopicLog? TopicLog { get; private set; }

    /// <summary>Starts a minimal server built by the test (services and endpoints of its choosing) and the proxy.</summary>
    /// <param name="configure">Registers the application's services (its contract's publisher, its implementation, <c>AddSseHub</c>).</param>
    /// <param name="map">Maps its endpoints (<c>app.MapChatFeed()</c>).</param>
    /// <param name="options">The faults, the seed, the clock; <see langword="null"/> for none.</param>
    /// <returns>The running host.</returns>
    public static Task<SseTestHost> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map, SseTestHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(map);
        return StartAsync(
            async (port, testServices) =>
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
                configure(builder);
                testServices(builder.Services);
                var app = builder.Build();
                map(app);
                await app.StartAsync().ConfigureAwait(false);
                return new RunningServer(app.Services, async cancellationToken =>
                {
                    await app.StopAsync(cancellationToken).ConfigureAwait(false);
                    await app.DisposeAsync().ConfigureAwait(false);
                });
            },
            options);
    }

    /// <summary>An <see cref="HttpClient"/> to the proxy, for the generated client: <c>new ChatFeedClient(host.CreateHttpClient(), recorder.Options)</c>.</summary>
    /// <param name="configure">Sets up its handler (a <c>CookieContainer</c> for a signed-in user, a client certificate), or <see langword="null"/>.</param>
    /// <returns>The client; the test disposes it.</returns>
    public HttpClient CreateHttpClient(Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        configure?.Invoke(handler);
        return new HttpClient(handler) { BaseAddress = Proxy.Address };
    }

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
        await StartServerAsync(keepHistory).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the server, as a deploy or a crash takes it away: its streams end with the application's stopping token,
    /// and until <see cref="StartServerAsync"/> its port refuses connections (the proxy still accepts, then closes
    /// them). Clients keep reconnecting meanwhile.
    /// </summary>
    /// <param name="cancellationToken">Ends the graceful part of the stop (the host's shutdown timeout still applies).</param>
    /// <returns>A task that completes when the server stopped; at once if it is stopped.</returns>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the server again on its port after <see cref="StopServerAsync"/>, keeping or losing the hub's in-memory history.</summary>
    /// <param name="keepHistory">Whether the topics' events survive (clients resume), or not (a new epoch: clients get the reset signal).</param>
    /// <returns>A task that completes when the server listens.</returns>
    public async Task StartServerAsync(bool keepHistory = true)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("The server is running; stop it first (StopServerAsync), or restart it (RestartAsync).");
        }

        if (!keepHistory)
        {
            _history = null;
        }

        await StartAsync().ConfigureAwait(false);
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

    private static async Task<SseTestHost> StartAsync(Func<int, Action<IServiceCollection>, Task<RunningServer>> start, SseTestHostOptions? options)
    {
        var host = new SseTestHost(start, options ?? new SseTestHostOptions());
        try
        {
            await host.StartAsync().ConfigureAwait(false);
            host.Proxy = new SseFaultProxy(host.ServerAddress, host._options.Faults, host._options.Marker, host._options.Seed);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync()
    {
        var server = await _start(_port, AddTestServices).ConfigureAwait(false);
        _server = server;
        var addresses = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        ServerAddress = new Uri(addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The server under test reports no address; is it Kestrel?"));
        _port = ServerAddress.Port;
    }

    /// <summary>What the host puts over the application's registrations: the test's clock, and the hub's log kept by the host.</summary>
    private void AddTestServices(IServiceCollection services)
    {
        if (_options.TimeProvider is { } clock)
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(clock);
        }

        // The default in-memory log is kept by the host (not the server), so a restart can keep its history; it is
        // wrapped for faults, and the wrapper is not disposed with the server. A log of another engine (PostgreSQL,
        // Redis) is the application's: its history is the database's.
        var log = services.LastOrDefault(static d => d.ServiceType == typeof(ISseTopicLog));
        if (log is null || log.ImplementationType == typeof(InMemorySseTopicLog))
        {
            services.AddSseHub();
            services.Replace(ServiceDescriptor.Singleton<ISseTopicLog>(provider =>
            {
                _history ??= new InMemorySseTopicLog(provider.GetRequiredService<IOptions<SseHubOptions>>(), provider.GetService<TimeProvider>());
                return TopicLog = new SseFaultyTopicLog(_history);
            }));
        }
    }

    /// <summary>A started server: its services, and what stops and disposes it.</summary>
    private sealed record RunningServer(IServiceProvider Services, Func<CancellationToken, Task> StopAsync);
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Tests;
using Xunit;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Sse.Deployment.Tests;

/// <summary>A reverse proxy in front of the servers under test, which the tests stop and start again on its port.</summary>
public interface IReverseProxy : IAsyncDisposable
{
    /// <summary>Gets the address clients use.</summary>
    Uri Address { get; }

    /// <summary>Gets what it is, with its version.</summary>
    string Description { get; }

    /// <summary>Stops it at once: every connection through it drops.</summary>
    Task StopAsync();

    /// <summary>Starts it again on the same port.</summary>
    Task StartAgainAsync();
}

/// <summary>The proxies the tests run behind, by name (theory data).</summary>
public static class ReverseProxies
{
    public static TheoryData<string> Names => new("nginx", "yarp");

    /// <param name="name"><c>nginx</c> or <c>yarp</c>.</param>
    /// <param name="upstreams">The servers behind it.</param>
    /// <param name="idleTimeout">How long a response may send nothing before the proxy closes it (nginx's <c>proxy_read_timeout</c>, YARP's <c>ActivityTimeout</c>).</param>
    public static async Task<IReverseProxy> StartAsync(string name, IReadOnlyList<Uri> upstreams, TimeSpan? idleTimeout = null) => name switch
    {
        "nginx" => new Nginx(await NginxServer.StartAsync(upstreams, idleTimeout)),
        "yarp" => await Yarp.StartAsync(upstreams, idleTimeout),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "nginx or yarp"),
    };

    private sealed class Nginx(NginxServer server) : IReverseProxy
    {
        public Uri Address => server.Address;

        public string Description => server.Version;

        public Task StopAsync() => server.StopAsync();

        public Task StartAgainAsync() => server.StartAgainAsync();

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>YARP in process on Kestrel, routing everything to the upstreams (round robin), as its docs configure it.</summary>
    private sealed class Yarp : IReverseProxy
    {
        private readonly IReadOnlyList<Uri> _upstreams;
        private readonly TimeSpan? _idleTimeout;
        private WebApplication? _app;
        private int _port;

        private Yarp(IReadOnlyList<Uri> upstreams, TimeSpan? idleTimeout)
        {
            _upstreams = upstreams;
            _idleTimeout = idleTimeout;
        }

        public Uri Address => new($"http://127.0.0.1:{_port}/");

        public string Description => "YARP " + typeof(IForwarderHttpClientFactory).Assembly.GetName().Version;

        public static async Task<IReverseProxy> StartAsync(IReadOnlyList<Uri> upstreams, TimeSpan? idleTimeout)
        {
            var proxy = new Yarp(upstreams, idleTimeout);
            await proxy.StartAgainAsync();
            return proxy;
        }

        public async Task StartAgainAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            var port = _port;
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            builder.Logging.ClearProviders();
            builder.Services.AddReverseProxy().LoadFromMemory(
                [new RouteConfig { RouteId = "all", ClusterId = "app", Match = new RouteMatch { Path = "{**catch-all}" } }],
                [new ClusterConfig
                {
                    ClusterId = "app",
                    LoadBalancingPolicy = "RoundRobin",
                    Destinations = _upstreams.Select((u, i) => (u, i)).ToDictionary(static d => "node" + d.i, static d => new DestinationConfig { Address = d.u.ToString() }),
                    HttpRequest = new ForwarderRequestConfig { ActivityTimeout = _idleTimeout },
                }]);
            var app = builder.Build();
            app.MapReverseProxy();
            await app.StartAsync();
            _app = app;
            _port = new Uri(app.Urls.First()).Port;
        }

        public async Task StopAsync()
        {
            if (_app is { } app)
            {
                _app = null;
                await app.StopAsync(new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(1)).Token);
                await app.DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }
}

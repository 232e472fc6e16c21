using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sse.Testing;

public sealed partial class SseTestHost
{
    /// <summary>Starts the application's own <c>Program</c> through its factory, on Kestrel behind the proxy, with no faults planned.</summary>
    /// <typeparam name="TEntryPoint">A type in the application's assembly (usually its <c>Program</c>).</typeparam>
    /// <param name="factory">The application's factory.</param>
    /// <returns>The running host.</returns>
    public static Task<SseTestHost> StartAsync<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class => StartAsync(factory, null);

    /// <summary>
    /// Starts the application's own <c>Program</c> (its services, middleware and endpoints, as it runs in production)
    /// through its <see cref="WebApplicationFactory{TEntryPoint}"/>, on Kestrel at 127.0.0.1 (not the in-memory test
    /// server: cuts, stalls and restarts need a real socket), and the proxy in front of it. The factory's own
    /// customizations (<c>WithWebHostBuilder</c>, an overridden <c>ConfigureWebHost</c>) apply; the host adds the
    /// test's clock and keeps the hub's history over a restart. The test owns <paramref name="factory"/>; each server
    /// the host starts is a factory derived from it, stopped with the host.
    /// </summary>
    /// <typeparam name="TEntryPoint">A type in the application's assembly (usually its <c>Program</c>).</typeparam>
    /// <param name="factory">The application's factory: <c>new WebApplicationFactory&lt;Program&gt;()</c>, or the test's subclass.</param>
    /// <param name="options">The faults, the seed, the clock; <see langword="null"/> for none.</param>
    /// <returns>The running host.</returns>
    public static Task<SseTestHost> StartAsync<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory, SseTestHostOptions? options)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return StartAsync(
            async (port, testServices) =>
            {
                var server = factory.WithWebHostBuilder(web => web.ConfigureTestServices(testServices));
                server.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
                try
                {
                    // StartServer blocks while the application starts; off the test's thread, whatever its context.
                    await Task.Run(server.StartServer).ConfigureAwait(false);
                }
                catch
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                return new RunningServer(server.Services, async cancellationToken =>
                {
                    await server.Services.GetRequiredService<IHost>().StopAsync(cancellationToken).ConfigureAwait(false);
                    await server.DisposeAsync().ConfigureAwait(false);
                });
            },
            options);
    }
}

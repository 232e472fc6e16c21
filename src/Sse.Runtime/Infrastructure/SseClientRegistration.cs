using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sse.Runtime.Infrastructure;

/// <summary>Registers generated clients as typed clients of <see cref="IHttpClientFactory"/>, without reflection.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseClientRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TContract"/>, implemented by <typeparamref name="TClient"/>, as a typed client named
    /// <paramref name="name"/>, with its <see cref="SseClientOptions"/> as named options of the same name.
    /// </summary>
    /// <typeparam name="TContract">The contract interface.</typeparam>
    /// <typeparam name="TClient">The generated client.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: the contract's full name.</param>
    /// <param name="create">Creates the client from its <see cref="HttpClient"/> and options.</param>
    /// <param name="configureClient">Configures the <see cref="HttpClient"/>, or <see langword="null"/>.</param>
    /// <param name="configureOptions">Configures the client's options, or <see langword="null"/>.</param>
    /// <returns>The client's builder.</returns>
    public static IHttpClientBuilder AddClient<TContract, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        IServiceCollection services,
        string name,
        Func<HttpClient, SseClientOptions, TClient> create,
        Action<HttpClient>? configureClient,
        Action<SseClientOptions>? configureOptions)
        where TContract : class
        where TClient : class, TContract
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(create);

        var builder = services.AddHttpClient<TContract, TClient>(name, (httpClient, serviceProvider) =>
            create(httpClient, serviceProvider.GetRequiredService<IOptionsMonitor<SseClientOptions>>().Get(name)));
        // The generated client class too (its run members: Start{Method}, Attach{Method}), the same instance kind.
        services.TryAddTransient(static serviceProvider => (TClient)serviceProvider.GetRequiredService<TContract>());
        if (configureClient is not null)
        {
            builder.ConfigureHttpClient(configureClient);
        }

        // Header values (an [SseHeader] string, the Last-Event-ID a server chose) may be any text: send them as UTF-8, as
        // browsers send Last-Event-ID, rather than refuse non-ASCII ones.
        builder.ConfigurePrimaryHttpMessageHandler(static (handler, _) =>
        {
            if (handler is SocketsHttpHandler { RequestHeaderEncodingSelector: null } sockets)
            {
                sockets.RequestHeaderEncodingSelector = static (_, _) => System.Text.Encoding.UTF8;
            }
        });

        if (configureOptions is not null)
        {
            services.Configure(name, configureOptions);
        }

        services.AddOptions<SseClientOptions>(name).PostConfigure<IServiceProvider>(static (options, serviceProvider) =>
        {
            options.Logger ??= serviceProvider.GetService<ILoggerFactory>()?.CreateLogger(SseClientLog.Category);
            options.MeterFactory ??= serviceProvider.GetService<System.Diagnostics.Metrics.IMeterFactory>();
        });

        return builder;
    }
}

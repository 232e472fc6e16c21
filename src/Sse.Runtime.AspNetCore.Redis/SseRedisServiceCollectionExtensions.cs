using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Sse.Runtime.AspNetCore.TopicLogs;
using StackExchange.Redis;

namespace Sse.Runtime.AspNetCore.Redis;

/// <summary>Registers the Redis topic log.</summary>
public static class SseRedisServiceCollectionExtensions
{
    /// <summary>
    /// Keeps topics in Redis, so that several server processes share them: a client resumes on any of them, and a
    /// publish on one reaches subscribers on all. Registers the hub too.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string (<c>localhost:6379</c>).</param>
    /// <param name="configure">Further settings, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The first parameter's type (a configuration string or a connection) tells the overloads apart.")]
    public static IServiceCollection AddSseRedis(this IServiceCollection services, string configuration, Action<SseRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        return services.AddSseRedis(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    /// <summary>Keeps topics in Redis over a connection the application already has (it stays the application's to dispose).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="configure">Further settings, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The first parameter's type (a configuration string or a connection) tells the overloads apart.")]
    public static IServiceCollection AddSseRedis(this IServiceCollection services, IConnectionMultiplexer connection, Action<SseRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        return services.AddSseRedis(options =>
        {
            options.Multiplexer = connection;
            configure?.Invoke(options);
        });
    }

    /// <summary>Keeps topics in Redis, configured entirely by <paramref name="configure"/> (a configuration string or a connection).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">The settings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSseRedis(this IServiceCollection services, Action<SseRedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSseHub();
        services.Configure(configure);
        services.TryAddSingleton<RedisSseTopicLog>();
        services.Replace(ServiceDescriptor.Singleton<ISseTopicLog>(static serviceProvider => serviceProvider.GetRequiredService<RedisSseTopicLog>()));
        services.AddHostedService<Initializer>();
        return services;
    }

    /// <summary>Connects and starts the poll before the server takes requests.</summary>
    private sealed class Initializer(RedisSseTopicLog log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => log.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

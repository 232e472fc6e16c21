using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>Registers the PostgreSQL topic log.</summary>
public static class SsePostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Keeps topics in PostgreSQL, so that several server processes share them: a publish on any server reaches the
    /// subscribers of all, and a client resumes on whichever server it reaches. Registers the hub when it is not yet
    /// registered, replaces its in-memory log (in either order with <c>Add{Name}Publisher()</c>), and creates the schema
    /// and starts listening when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The database's connection string.</param>
    /// <param name="configure">Further settings, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSsePostgreSql(this IServiceCollection services, string connectionString, Action<SsePostgreSqlOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return services.AddSsePostgreSql(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        });
    }

    /// <summary>Keeps topics in PostgreSQL, configured entirely by <paramref name="configure"/> (a connection string or a data source).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">The settings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSsePostgreSql(this IServiceCollection services, Action<SsePostgreSqlOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSseHub();
        services.Configure(configure);
        services.TryAddSingleton<PostgreSqlSseTopicLog>();
        services.Replace(ServiceDescriptor.Singleton<ISseTopicLog>(static serviceProvider => serviceProvider.GetRequiredService<PostgreSqlSseTopicLog>()));
        services.AddHostedService<Initializer>();
        return services;
    }

    /// <summary>Creates the schema, reads the epoch and starts listening before the server takes requests.</summary>
    private sealed class Initializer(PostgreSqlSseTopicLog log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => log.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

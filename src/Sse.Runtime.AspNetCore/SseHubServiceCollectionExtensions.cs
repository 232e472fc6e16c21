using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sse.Runtime.AspNetCore.TopicLogs;

namespace Sse.Runtime.AspNetCore;

/// <summary>Registers the topic hub.</summary>
public static class SseHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SseHub"/> (once), over the in-memory <see cref="ISseTopicLog"/> unless another log is
    /// registered (a database-backed one for several servers), and the shared heartbeat timer of topic streams.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the hub's replay, queue and slow-consumer settings, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSseHub(this IServiceCollection services, Action<SseHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SseHubOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<ISseTopicLog, InMemorySseTopicLog>();
        services.TryAddSingleton<SseHub>();
        services.TryAddSingleton<SseRunHost>();
        services.TryAddSingleton<SseHeartbeats>(static serviceProvider => new SseHeartbeats(serviceProvider.GetService<TimeProvider>()));
        return services;
    }
}

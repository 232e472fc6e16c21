using System;
using System.Threading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Sse.Runtime.AspNetCore;

/// <summary>What a generated endpoint is: it decides its logger's category and how its failures are answered.</summary>
internal enum SseCallKind
{
    /// <summary>A contract method's items, streamed (<c>IAsyncEnumerable&lt;T&gt;</c>).</summary>
    Stream,

    /// <summary>A topic's events (<c>[SseTopic]</c>).</summary>
    Topic,

    /// <summary>A command (<c>Task</c> or <c>Task&lt;T&gt;</c>): an ordinary request and response.</summary>
    Command,
}

/// <summary>
/// What one mapped endpoint needs from the application, resolved once when it is mapped (the grpc-dotnet way: a handler
/// per method, made with its logger and options), and kept in the endpoint's metadata: its logger, meters, heartbeat
/// timers, clock, the application's stopping token, the hub. A request looks it up once, instead of six services.
/// </summary>
internal sealed class SseEndpointContext
{
    private readonly IServiceProvider _services;
    private readonly ILogger[] _loggers = new ILogger[3];
    private TimeSpan? _heartbeatInterval;
    private SseHub? _hub;
    private SseServerOptions? _serverOptions;

    public SseEndpointContext(IServiceProvider services)
    {
        _services = services;
        var loggers = services.GetService<ILoggerFactory>();
        _loggers[(int)SseCallKind.Stream] = loggers?.CreateLogger("Sse.Runtime.AspNetCore.Infrastructure.SseEndpoint") ?? NullLogger.Instance;
        _loggers[(int)SseCallKind.Topic] = loggers?.CreateLogger("Sse.Runtime.AspNetCore.Infrastructure.SseTopicEndpoint") ?? NullLogger.Instance;
        _loggers[(int)SseCallKind.Command] = loggers?.CreateLogger("Sse.Runtime.AspNetCore.Infrastructure.SseCommandEndpoint") ?? NullLogger.Instance;
        Metrics = services.GetService<SseHub>()?.Metrics ?? SseServerMetrics.For(services);
        Heartbeats = SseHeartbeats.For(services);
        TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
    }

    /// <summary>The logger of a kind of call (its category names the runtime type that used to run it, as users filter by).</summary>
    public ILogger Logger(SseCallKind kind) => _loggers[(int)kind];

    public SseServerMetrics Metrics { get; }

    public SseHeartbeats Heartbeats { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the server options (credential bounds, heartbeats), or <see langword="null"/> when none are registered.</summary>
    public SseServerOptions? ServerOptions => _serverOptions ??= _services.GetService<IOptions<SseServerOptions>>()?.Value;

    /// <summary>Gets the application's stopping token: streams end at once when it fires.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>The hub, for topic streams; fails with the registration to add when there is none.</summary>
    public SseHub Hub(string displayName) => _hub ??= _services.GetService<SseHub>() ?? throw new InvalidOperationException(
        $"The topic stream '{displayName}' needs the SSE hub, which is not registered. Add it with builder.Services.AddSseHub() (the generated Add...Publisher() does).");

    /// <summary>
    /// The endpoint's heartbeat interval: its <see cref="SseHeartbeatMetadata"/> (conventions add it after mapping, so it
    /// is read at the first request), else <see cref="SseServerOptions.HeartbeatInterval"/>.
    /// </summary>
    public TimeSpan HeartbeatInterval(HttpContext context) =>
        _heartbeatInterval ??= context.GetEndpoint()?.Metadata.GetMetadata<SseHeartbeatMetadata>()?.Interval
            ?? _services.GetService<IOptions<SseServerOptions>>()?.Value.HeartbeatInterval
            ?? SseServerOptions.DefaultHeartbeatInterval;

    /// <summary>The context of the request's endpoint; one made for the request when the endpoint was not mapped by us.</summary>
    public static SseEndpointContext For(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<SseEndpointContext>() ?? new SseEndpointContext(context.RequestServices);
}

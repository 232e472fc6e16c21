using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using Sse.Runtime.AspNetCore;

// The client part too: the tests are both ends.
[assembly: SseClient(typeof(Sse.Deployment.Tests.IDeployFeed))]

namespace Sse.Deployment.Tests;

public sealed record Tick(long Seq, string Text);

/// <summary>What the deployment tests stream: a topic (resumable across cuts and restarts) and a stream whose second event waits for the test.</summary>
[SseStream("/deploy", JsonContext = typeof(DeployJson))]
public interface IDeployFeed
{
    [SseGet("/ticks")]
    [SseTopic("ticks")]
    IAsyncEnumerable<Tick> Ticks(CancellationToken cancellationToken = default);

    /// <summary>Tick 0 at once, tick 1 when the test opens the gate: a proxy that buffers holds tick 0 back.</summary>
    [SseGet("/gated/{gate}")]
    IAsyncEnumerable<Tick> Gated(string gate, CancellationToken cancellationToken = default);
}

/// <summary>A token the test issues (CredentialTests), for a client that fetches its own.</summary>
public sealed record TokenIssued([property: JsonPropertyName("token")] string Token, [property: JsonPropertyName("expires")] System.DateTimeOffset Expires);

[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(TokenIssued))]
internal sealed partial class DeployJson : JsonSerializerContext;

/// <summary>The gates of <see cref="IDeployFeed.Gated"/>, by name.</summary>
public sealed class Gates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    public void Open(string gate) => Get(gate).TrySetResult();

    public Task WaitAsync(string gate, CancellationToken cancellationToken) => Get(gate).Task.WaitAsync(cancellationToken);

    private TaskCompletionSource Get(string gate) => _gates.GetOrAdd(gate, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The deployment tests' server side: the publisher, the gates and the implementation.</summary>
internal static class DeployFeedRegistration
{
    public static IServiceCollection AddDeployFeed(this IServiceCollection services) =>
        services.AddDeployFeedPublisher().AddSingleton<Gates>().AddScoped<IDeployFeed, DeployFeed>();
}

internal sealed class DeployFeed(SseHub hub, Gates gates) : DeployFeedBase(hub)
{
    public override async IAsyncEnumerable<Tick> Gated(string gate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new Tick(0, "before the gate");
        await gates.WaitAsync(gate, cancellationToken);
        yield return new Tick(1, "after the gate");
    }
}

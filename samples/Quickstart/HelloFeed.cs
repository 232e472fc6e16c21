using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

// This app is the server (it references Sse.Runtime.AspNetCore, so MapHelloFeed is generated) and, for the demo, also a
// client of its own contract: asking for the client part generates HelloFeedClient and AddHelloFeedClient.
[assembly: SseClient(typeof(Quickstart.IHelloFeed))]

namespace Quickstart;

/// <summary>The whole contract: one stream of greetings.</summary>
[SseStream("/hello", JsonContext = typeof(QuickstartJson))]
public interface IHelloFeed
{
    /// <summary>Streams <paramref name="count"/> greetings for <paramref name="name"/>.</summary>
    [SseGet("/greetings/{name}")]
    IAsyncEnumerable<Hello> Greetings(string name, int count = 10, CancellationToken cancellationToken = default);
}

/// <summary>One greeting; <see cref="Idx"/> is also the event id.</summary>
[SseEvent("hello")]
public sealed record Hello(string Message, [property: SseEventId] int Idx);

/// <summary>
/// The contract's JSON metadata: the single source of the wire's JSON shape on both sides. Web defaults (camelCase) make
/// the frames look like the same record returned from a minimal-API endpoint.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Hello))]
internal sealed partial class QuickstartJson : JsonSerializerContext;

/// <summary>The server's implementation, registered in DI.</summary>
internal sealed class HelloFeed : IHelloFeed
{
    public async IAsyncEnumerable<Hello> Greetings(string name, int count = 10, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new Hello($"Hello, {name}!", i);
            await Task.Delay(20, cancellationToken);
        }
    }
}

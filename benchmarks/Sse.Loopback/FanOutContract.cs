using System.Collections.Generic;
using System.Text.Json.Serialization;
using System.Threading;
using Sse.Contracts;

namespace Sse.Loopback;

/// <summary>One broadcast: its number and when the server published it (UTC ticks; one machine, one clock).</summary>
public sealed record Tick(long Seq, long SentTicks);

/// <summary>A topic-only contract: no implementation class, the generated endpoint subscribes.</summary>
[SseStream("/bench", JsonContext = typeof(LoopbackJson))]
public interface IFanOut
{
    [SseGet("/topic")]
    [SseTopic("fanout")]
    IAsyncEnumerable<Tick> Topic(CancellationToken cancellationToken = default);
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(Quote))]
[JsonSerializable(typeof(int))] // the SignalR peer's stream argument
internal sealed partial class LoopbackJson : JsonSerializerContext;

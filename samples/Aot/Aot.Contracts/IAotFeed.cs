using System.Collections.Generic;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization;
using System.Threading;
using Sse.Contracts;

namespace AotSample;

/// <summary>A contract exercising what Native AOT must handle: plain items with ids, polymorphic events, a POST body.</summary>
[SseStream("/aot", JsonContext = typeof(AotJson))]
public interface IAotFeed
{
    /// <summary>Numbered items; the number is the event id.</summary>
    [SseGet("/numbers")]
    IAsyncEnumerable<Number> Numbers(int count, CancellationToken cancellationToken = default);

    /// <summary>Circles and squares, each under its own event name, resuming after <paramref name="lastEventId"/>.</summary>
    [SseGet("/shapes")]
    IAsyncEnumerable<Shape> Shapes(int count, [LastEventId] long? lastEventId = null, CancellationToken cancellationToken = default);

    /// <summary>The words of the posted sentence, upper-cased when the X-Upper header says so.</summary>
    [SsePost("/words")]
    IAsyncEnumerable<SseItem<Word>> Words(Sentence sentence, [SseHeader("X-Upper")] bool upper = false, CancellationToken cancellationToken = default);
}

public sealed record Number([property: SseEventId] long Value, string Text);

public abstract record Shape([property: SseEventId] long Seq);

[SseEvent("circle")]
public sealed record Circle(long Seq, double Radius) : Shape(Seq);

[SseEvent("square")]
public sealed record Square(long Seq, double Side) : Shape(Seq);

public sealed record Sentence(string Text);

public sealed record Word(string Text, int Index);

[JsonSerializable(typeof(Number))]
[JsonSerializable(typeof(Circle))]
[JsonSerializable(typeof(Square))]
[JsonSerializable(typeof(Sentence))]
[JsonSerializable(typeof(Word))]
public sealed partial class AotJson : JsonSerializerContext;

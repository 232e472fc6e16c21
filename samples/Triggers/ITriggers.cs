using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

namespace Triggers;

/// <summary>
/// One stream every open page listens to, and three endpoints that push to all of them: <c>POST /send</c> with a text,
/// <c>POST /left</c> and <c>POST /right</c> to move a shared marker. A timer pushes a tick as well.
/// </summary>
[SseStream(JsonContext = typeof(TriggerJson))]
public interface ITriggers
{
    /// <summary>Streams every trigger and tick, to every subscriber.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Events named <c>send</c>, <c>left</c>, <c>right</c> and <c>tick</c>.</returns>
    [SseGet("/events")]
    [SseTopic("triggers")]
    IAsyncEnumerable<TriggerEvent> Events(CancellationToken cancellationToken = default);

    /// <summary>Sends a text to every connected client.</summary>
    /// <param name="message">The text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many connections were subscribed when it was published.</returns>
    [SsePost("/send")]
    Task<Delivery> Send(Message message, CancellationToken cancellationToken = default);

    /// <summary>Moves the marker one step left, for every connected client.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many connections were subscribed when it was published.</returns>
    [SsePost("/left")]
    Task<Delivery> Left(CancellationToken cancellationToken = default);

    /// <summary>Moves the marker one step right, for every connected client.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many connections were subscribed when it was published.</returns>
    [SsePost("/right")]
    Task<Delivery> Right(CancellationToken cancellationToken = default);
}

/// <summary>Something every client gets; each derived type is its own event name.</summary>
public abstract record TriggerEvent(DateTimeOffset At);

/// <summary>A text someone sent with <c>POST /send</c>.</summary>
[SseEvent("send")]
public sealed record Sent(string Text, DateTimeOffset At) : TriggerEvent(At);

/// <summary>The marker moved left (<c>POST /left</c>).</summary>
[SseEvent("left")]
public sealed record MovedLeft(int Position, DateTimeOffset At) : TriggerEvent(At);

/// <summary>The marker moved right (<c>POST /right</c>).</summary>
[SseEvent("right")]
public sealed record MovedRight(int Position, DateTimeOffset At) : TriggerEvent(At);

/// <summary>The server's timer.</summary>
[SseEvent("tick")]
public sealed record Tick(long Count, DateTimeOffset At) : TriggerEvent(At);

/// <summary>The body of <c>POST /send</c>.</summary>
/// <param name="Text">One to 200 characters.</param>
public sealed record Message(string Text);

/// <summary>What a trigger reached.</summary>
/// <param name="Id">The event's id on the stream.</param>
/// <param name="Subscribers">How many connections were subscribed.</param>
public sealed record Delivery(string Id, int Subscribers);

/// <summary>The JSON metadata of the contract.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Sent))]
[JsonSerializable(typeof(MovedLeft))]
[JsonSerializable(typeof(MovedRight))]
[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(Delivery))]
internal sealed partial class TriggerJson : JsonSerializerContext;

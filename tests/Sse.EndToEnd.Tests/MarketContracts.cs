using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

namespace Sse.EndToEnd.Tests;

public sealed record Prompt(string Text, int MaxTokens);

public sealed record Token(string Text);

public sealed record ArrayEcho(int[] Levels, Mood[] Moods, string[] Tags, DateTime[] Times, bool NullLevels);

public abstract record MarketEvent([property: SseEventId] long Seq);

[SseEvent("trade")]
public sealed record Trade(long Seq, decimal Price, int Quantity) : MarketEvent(Seq);

[SseEvent("quote")]
public sealed record Quote(long Seq, decimal Bid, decimal Ask) : MarketEvent(Seq);

[SseEvent("halt")]
public record Halt(long Seq, string Reason) : MarketEvent(Seq);

[SseEvent("halt-ended")]
public sealed record HaltEnded(long Seq, string Reason) : Halt(Seq, Reason);

/// <summary>The rest of DESIGN.md's contract surface: body, headers, arrays, Last-Event-ID, polymorphic events.</summary>
[SseStream("/market", JsonContext = typeof(MarketJson))]
public interface IMarketFeed
{
    /// <summary>Streams tokens for <paramref name="prompt"/>, like an LLM completion.</summary>
    /// <param name="prompt">The prompt, sent as the JSON body.</param>
    /// <param name="trace">A trace id header.</param>
    /// <param name="tenant">A tenant header.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>One token per word, then the header values.</returns>
    [SsePost("/complete")]
    IAsyncEnumerable<SseItem<Token>> Complete(Prompt prompt, [SseHeader("X-Trace")] Guid? trace = null, [SseHeader("X-Tenant")] string? tenant = null, CancellationToken cancellationToken = default);

    [SseGet("/arrays")]
    IAsyncEnumerable<ArrayEcho> Arrays(int[]? levels = null, Mood[]? moods = null, string[]? tags = null, DateTime[]? times = null, CancellationToken cancellationToken = default);

    /// <summary>Trades, quotes and halts, resuming after <paramref name="lastEventId"/>.</summary>
    [SseGet("/events")]
    IAsyncEnumerable<MarketEvent> Events(int count, [LastEventId] string? lastEventId = null, CancellationToken cancellationToken = default);
}

/// <summary>An older client that knows only trades: quotes and halts are skipped (and logged), not fatal.</summary>
[SseStream("/market", JsonContext = typeof(MarketJson))]
public interface IOldMarketFeed
{
    [SseGet("/events")]
    IAsyncEnumerable<OldMarketEvent> Events(int count, CancellationToken cancellationToken = default);
}

public abstract record OldMarketEvent;

[SseEvent("trade")]
public sealed record OldTrade(long Seq, decimal Price) : OldMarketEvent;

[JsonSerializable(typeof(Prompt))]
[JsonSerializable(typeof(Token))]
[JsonSerializable(typeof(ArrayEcho))]
[JsonSerializable(typeof(Trade))]
[JsonSerializable(typeof(Quote))]
[JsonSerializable(typeof(Halt))]
[JsonSerializable(typeof(HaltEnded))]
[JsonSerializable(typeof(OldTrade))]
internal sealed partial class MarketJson : JsonSerializerContext;

internal sealed class MarketFeed : IMarketFeed
{
    public async IAsyncEnumerable<SseItem<Token>> Complete(Prompt prompt, Guid? trace = null, string? tenant = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var i = 0;
        foreach (var word in prompt.Text.Split(' ').Take(prompt.MaxTokens))
        {
            yield return new SseItem<Token>(new Token(word), "token") { EventId = (i++).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        yield return new SseItem<Token>(new Token($"trace={trace?.ToString() ?? "none"}"), "meta");
        yield return new SseItem<Token>(new Token($"tenant={tenant ?? "none"}"), "meta");
    }

    public async IAsyncEnumerable<ArrayEcho> Arrays(int[]? levels = null, Mood[]? moods = null, string[]? tags = null, DateTime[]? times = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new ArrayEcho(levels ?? [], moods ?? [], tags ?? [], times ?? [], levels is null);
    }

    public async IAsyncEnumerable<MarketEvent> Events(int count, string? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = lastEventId is null ? 0 : long.Parse(lastEventId, System.Globalization.CultureInfo.InvariantCulture) + 1;
        for (var seq = start; seq < start + count; seq++)
        {
            await Task.Yield();
            yield return (seq % 4) switch
            {
                0 => new Trade(seq, 100m + seq, 10),
                1 => new Quote(seq, 99.5m, 100.5m),
                2 => new Halt(seq, "volatility"),
                _ => new HaltEnded(seq, "resumed"),
            };
        }
    }
}

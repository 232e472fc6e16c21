using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using Sse.Contracts;

namespace Completions;

/// <summary>
/// An LLM-style completion API: a POST starts a <b>run</b> that streams tokens, then one <c>done</c> event with the usage.
/// The answer is written under the run's id whether or not anyone watches: a reloaded page, a second tab or another app
/// attaches to it (<c>GET /api/complete/runs/{id}</c>) and gets it from the start, and <c>DELETE</c> there stops it for
/// everyone. A browser's EventSource cannot POST; the generated TypeScript client can.
/// </summary>
[SseStream("/api", JsonContext = typeof(CompletionsJson))]
public interface ICompletions
{
    /// <summary>Streams the answer to a prompt, token by token, then how it finished.</summary>
    /// <param name="prompt">What to answer, and how long the answer may be.</param>
    /// <param name="cancellationToken">Ends the run (someone stopped it, its lifetime ran out, or the server is stopping); not a client leaving.</param>
    /// <returns><c>token</c> events, then one <c>done</c> event.</returns>
    [SsePost("/complete")]
    [SseRun]
    IAsyncEnumerable<CompletionEvent> Complete(Prompt prompt, CancellationToken cancellationToken = default);
}

/// <summary>A request for a completion.</summary>
/// <param name="Text">The prompt.</param>
/// <param name="MaxTokens">The most tokens to answer with (1 to 500).</param>
public sealed record Prompt(string Text, int MaxTokens = 200);

/// <summary>What a completion stream carries.</summary>
public abstract record CompletionEvent;

/// <summary>One piece of the answer (a word with its leading space, or punctuation).</summary>
/// <param name="Text">The text to append.</param>
/// <param name="Index">Its place in the answer, from 0.</param>
[SseEvent("token")]
public sealed record Token(string Text, int Index) : CompletionEvent;

/// <summary>The end of the answer.</summary>
/// <param name="Tokens">How many tokens were sent.</param>
/// <param name="FinishReason"><c>stop</c> when the answer was complete, <c>length</c> when MaxTokens cut it.</param>
[SseEvent("done")]
public sealed record Done(int Tokens, string FinishReason) : CompletionEvent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Prompt))]
[JsonSerializable(typeof(Token))]
[JsonSerializable(typeof(Done))]
internal sealed partial class CompletionsJson : JsonSerializerContext;

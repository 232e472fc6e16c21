using System.Collections.Generic;
using System.Text.Json.Serialization;
using System.Threading;
using Sse.Contracts;

// The application under test: a topic of numbered notes. (In your solution this is your server project.)
[assembly: SseClient(typeof(Testing.INotes))]

namespace Testing;

public sealed record Note(long Seq, string Text);

[SseStream("/notes", JsonContext = typeof(NotesJson))]
public interface INotes
{
    [SseGet("/feed")]
    [SseTopic("notes")]
    IAsyncEnumerable<Note> Feed(CancellationToken cancellationToken = default);
}

[JsonSerializable(typeof(Note))]
internal sealed partial class NotesJson : JsonSerializerContext;

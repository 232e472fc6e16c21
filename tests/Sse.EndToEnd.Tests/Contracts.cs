using System;
using System.Collections.Generic;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization;
using System.Threading;
using Sse.Contracts;

// The tests are server and client of their own contracts: the server part is generated because the project references
// Sse.Runtime.AspNetCore; the client part is asked for.
[assembly: SseClient(typeof(Sse.EndToEnd.Tests.ITestFeed))]
[assembly: SseClient(typeof(Sse.EndToEnd.Tests.ISkewedFeed))]
[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IMarketFeed))]
[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IOldMarketFeed))]

namespace Sse.EndToEnd.Tests;

public enum Mood { Calm, Excited }

/// <summary>What the server received, echoed back so the test can compare.</summary>
public sealed record Echo(int Id, string? Text, Mood Mood, DateTimeOffset? At, Guid? Tenant, bool Flag, DateTime? Local, double Ratio, string Path);

/// <summary>One numbered item; the number is also the event id.</summary>
[SseEvent("counted")]
public sealed record Counted([property: SseEventId] long Seq, string Payload);

[SseStream("/e2e", JsonContext = typeof(E2EJson))]
public interface ITestFeed
{
    [SseGet("/echo/{id}/{*path}")]
    IAsyncEnumerable<Echo> Echo(int id, string path, string? text = null, Mood mood = Mood.Calm, DateTimeOffset? at = null, Guid? tenant = null, bool flag = false, DateTime? local = null, double ratio = 1.5, CancellationToken cancellationToken = default);

    [SseGet("/count")]
    IAsyncEnumerable<Counted> Count(int n, CancellationToken cancellationToken = default);

    [SseGet("/endless")]
    IAsyncEnumerable<Counted> Endless(CancellationToken cancellationToken = default);

    [SseGet("/items")]
    IAsyncEnumerable<SseItem<Counted>> Items(int n, CancellationToken cancellationToken = default);

    [SseGet("/fail")]
    IAsyncEnumerable<Counted> Fail(int after, CancellationToken cancellationToken = default);

    /// <summary>Plain-text items, as an LLM token stream sends them.</summary>
    [SseGet("/tokens")]
    IAsyncEnumerable<string> Tokens(string prompt, CancellationToken cancellationToken = default);

    [SseGet("/slow")]
    IAsyncEnumerable<Counted> Slow(int count, int delayMs, CancellationToken cancellationToken = default);

    /// <summary>Refuses the request before its first item, as an implementation does for an unknown resource.</summary>
    [SseGet("/refuse/{status}")]
    IAsyncEnumerable<Counted> Refuse(int status, CancellationToken cancellationToken = default);
}

/// <summary>
/// An older or mistaken view of the same server: its types disagree with the server's, as happens when a client
/// and a server are deployed from different versions of a contract.
/// </summary>
[SseStream("/e2e", JsonContext = typeof(E2EJson))]
public interface ISkewedFeed
{
    /// <summary>The server expects an int for <c>n</c>.</summary>
    [SseGet("/count")]
    IAsyncEnumerable<Counted> Count(string n, CancellationToken cancellationToken = default);

    /// <summary>The server expects a <see cref="Mood"/> member name.</summary>
    [SseGet("/echo/{id}/{*path}")]
    IAsyncEnumerable<Echo> Echo(int id, string path, string? mood = null, CancellationToken cancellationToken = default);

    /// <summary>A plain JSON endpoint, not an event stream.</summary>
    [SseGet("/not-a-stream")]
    IAsyncEnumerable<Counted> NotAStream(CancellationToken cancellationToken = default);

    /// <summary>Written by System.Net.ServerSentEvents' SseFormatter.</summary>
    [SseGet("/interop/formatter")]
    IAsyncEnumerable<SseItem<Counted>> FromFormatter(int n, CancellationToken cancellationToken = default);

    /// <summary>Written by ASP.NET Core's TypedResults.ServerSentEvents.</summary>
    [SseGet("/interop/typed-results")]
    IAsyncEnumerable<Counted> FromTypedResults(int n, CancellationToken cancellationToken = default);

    /// <summary>Answers with <paramref name="status"/> and <paramref name="contentType"/> as given.</summary>
    [SseGet("/response/{status}")]
    IAsyncEnumerable<Counted> Response(int status, string? contentType = null, CancellationToken cancellationToken = default);

    /// <summary>A stream whose payloads do not match <see cref="Counted"/>.</summary>
    [SseGet("/wrong-payload")]
    IAsyncEnumerable<Counted> WrongPayload(CancellationToken cancellationToken = default);
}

[JsonSerializable(typeof(Echo))]
[JsonSerializable(typeof(Counted))]
[JsonSerializable(typeof(string))]
internal sealed partial class E2EJson : JsonSerializerContext;

using System;

namespace Sse.Contracts;

/// <summary>
/// Makes a POST stream method a <b>run</b>: the POST starts the work under an id the server issues, and the work goes on
/// when the client leaves. Its events are kept in the topic log under that id, so a client that lost its connection,
/// a reloaded page, another tab or another app attaches to the run (<c>GET {route}/runs/{id}</c>, with
/// <c>Last-Event-ID</c>) instead of sending the POST again; <c>DELETE {route}/runs/{id}</c> cancels it for everyone.
/// </summary>
/// <remarks>
/// <para>
/// The POST's response is the run's stream and says its id in the <c>Sse-Run-Id</c> header. The run's end is the end
/// event (<c>sse-end</c>), its failure the error event (<c>sse-error</c>). The generated clients re-attach by
/// themselves; their <c>Start{Method}</c> and <c>Attach{Method}</c> members give the id to keep.
/// </para>
/// <para>
/// The method returns <c>IAsyncEnumerable&lt;T&gt;</c>, takes no <c>[LastEventId]</c> (the log resumes it) and has no route
/// parameters (the attach route is its route and the id). Example:
/// <c>[SsePost("/complete")] [SseRun] IAsyncEnumerable&lt;CompletionEvent&gt; Complete(Prompt prompt, CancellationToken cancellationToken = default);</c>
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SseRunAttribute : Attribute
{
}

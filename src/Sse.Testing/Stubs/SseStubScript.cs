using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Sse.Testing;

/// <summary>
/// A scripted event stream for <see cref="SseStubHandler"/>: events, comments, <c>retry:</c>, raw text, then how the
/// connection ends (normally, with the end event, or cut mid-stream as a network failure).
/// </summary>
public sealed class SseStubScript
{
    private readonly StringBuilder _text = new();

    internal bool Disconnects { get; private set; }

    internal byte[] Bytes => Encoding.UTF8.GetBytes(_text.ToString());

    /// <summary>Adds an event (each line of <paramref name="data"/> a <c>data:</c> line).</summary>
    /// <param name="data">The data (JSON for a typed contract).</param>
    /// <param name="eventType">The event name, or <see langword="null"/>.</param>
    /// <param name="id">The event id, or <see langword="null"/>.</param>
    /// <returns>This script.</returns>
    public SseStubScript Event(string data, string? eventType = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (id is not null)
        {
            _text.Append("id: ").Append(id).Append('\n');
        }

        if (eventType is not null)
        {
            _text.Append("event: ").Append(eventType).Append('\n');
        }

        foreach (var line in data.Split('\n'))
        {
            _text.Append("data: ").Append(line).Append('\n');
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Adds a comment line (what a heartbeat is).</summary>
    /// <param name="text">The comment.</param>
    /// <returns>This script.</returns>
    public SseStubScript Comment(string text = "")
    {
        _text.Append(": ").Append(text).Append("\n\n");
        return this;
    }

    /// <summary>Adds a <c>retry:</c> field (the reconnection delay the server asks for).</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>This script.</returns>
    public SseStubScript Retry(TimeSpan delay)
    {
        _text.Append("retry: ").Append(((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("\n\n");
        return this;
    }

    /// <summary>Adds the library's end event (<c>sse-end</c>): the stream is complete, the client does not reconnect.</summary>
    /// <returns>This script.</returns>
    public SseStubScript End() => Event(string.Empty, "sse-end");

    /// <summary>Adds the reset signal (<c>sse-reset</c>): the server cannot resume; the client throws <c>SseResumeRejectedException</c>.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>This script.</returns>
    public SseStubScript Reset(string reason = "Events after this id are no longer kept.") =>
        Event(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["title"] = "Cannot resume", ["detail"] = reason }, SseStubJson.Default.DictionaryStringString), "sse-reset");

    /// <summary>Adds text as it is (to test a parser's edge: CRLF, a BOM, a field without a colon).</summary>
    /// <param name="text">The text.</param>
    /// <returns>This script.</returns>
    public SseStubScript Raw(string text)
    {
        _text.Append(text);
        return this;
    }

    /// <summary>Ends the response with a network failure after what was scripted (the client sees the connection drop).</summary>
    /// <returns>This script.</returns>
    public SseStubScript ThenDisconnect()
    {
        Disconnects = true;
        return this;
    }
}

/// <summary>The stub's JSON, source-generated (no reflection).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SseStubJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>A request the stub answered: what the client sent.</summary>
public sealed class SseStubRequest
{
    internal SseStubRequest(int index, System.Net.Http.HttpRequestMessage request, string? body)
    {
        Index = index;
        Method = request.Method.Method;
        Uri = request.RequestUri;
        Headers = request.Headers.ToDictionary(static h => h.Key, static h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        LastEventId = Headers.TryGetValue("Last-Event-ID", out var id) ? id : null;
        Body = body;
    }

    /// <summary>Gets its number, from 0 (the first connection; then each reconnect).</summary>
    public int Index { get; }

    /// <summary>Gets the method.</summary>
    public string Method { get; }

    /// <summary>Gets the request URI.</summary>
    public Uri? Uri { get; }

    /// <summary>Gets the request's headers (not the content's).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the <c>Last-Event-ID</c> it sent, or <see langword="null"/>.</summary>
    public string? LastEventId { get; }

    /// <summary>Gets the body, as text, or <see langword="null"/>.</summary>
    public string? Body { get; }
}

using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// Describes one stream request: method, relative URI, headers and an optional JSON body. A new
/// <see cref="HttpRequestMessage"/> is created from it for every attempt, so it can be sent again on reconnect.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SseRequest
{
    private List<KeyValuePair<string, string>>? _headers;
    private byte[]? _body;

    /// <summary>Creates a request.</summary>
    /// <param name="streamName">The stream's name for logs, metrics and errors, <c>StockFeed.Prices</c>.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="relativeUri">The URI relative to the client's base address, starting with <c>/</c>.</param>
    /// <param name="resumable">
    /// Whether the server resumes the stream after a Last-Event-ID (a method with a <c>[LastEventId]</c> parameter, or a
    /// topic), so that a lost connection can be resumed without gaps or duplicates.
    /// </param>
    public SseRequest(string streamName, HttpMethod method, string relativeUri, bool resumable)
    {
        ArgumentNullException.ThrowIfNull(streamName);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(relativeUri);
        StreamName = streamName;
        Method = method;
        RelativeUri = relativeUri;
        IsResumable = resumable;
    }

    /// <summary>The run this request starts or attaches to (<c>[SseRun]</c>), or <see langword="null"/>.</summary>
    internal SseRunState? Run { get; set; }

    /// <summary>Gets the stream's name, <c>StockFeed.Prices</c>.</summary>
    public string StreamName { get; }

    /// <summary>Gets whether the server resumes the stream after a Last-Event-ID.</summary>
    public bool IsResumable { get; }

    /// <summary>Gets the HTTP method.</summary>
    public HttpMethod Method { get; }

    /// <summary>Gets the URI relative to the client's base address.</summary>
    public string RelativeUri { get; }

    /// <summary>
    /// Gets or sets the <c>Last-Event-ID</c> of the first request, or <see langword="null"/> for none; reconnections send
    /// the last event id received instead.
    /// </summary>
    public string? LastEventId { get; set; }

    /// <summary>Sets the first request's <c>Last-Event-ID</c> from a formattable id (a number, a <see cref="Guid"/>).</summary>
    /// <typeparam name="T">The id type.</typeparam>
    /// <param name="value">The id, or <see langword="null"/> for none.</param>
    public void SetLastEventId<T>(T? value)
        where T : struct, IFormattable => LastEventId = value.HasValue ? SseUriBuilder.Format(value.GetValueOrDefault()) : null;

    /// <summary>
    /// Sets the first request's <c>Last-Event-ID</c> from a formattable id (a number, a <see cref="Guid"/>); the type's
    /// default (<c>0</c>, <see cref="Guid.Empty"/>) means none, as <see langword="null"/> does for a nullable id.
    /// </summary>
    /// <typeparam name="T">The id type.</typeparam>
    /// <param name="value">The id.</param>
    public void SetLastEventId<T>(T value)
        where T : struct, IFormattable, IEquatable<T> => LastEventId = value.Equals(default) ? null : SseUriBuilder.Format(value);

    /// <summary>
    /// Adds a request header; nothing when <paramref name="value"/> is <see langword="null"/>. Non-ASCII text is sent as
    /// UTF-8 (the generated registration configures the handler for it).
    /// </summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <exception cref="ArgumentException">
    /// The value contains CR, LF or NUL, or starts or ends with whitespace, none of which a header value can carry intact.
    /// </exception>
    public void AddHeader(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is null)
        {
            return;
        }

        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException($"The value of header '{name}' contains CR, LF or NUL, which a header cannot carry.", nameof(value));
        }

        if (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
        {
            throw new ArgumentException($"The value of header '{name}' starts or ends with whitespace, which HTTP strips from header values; it would not arrive intact.", nameof(value));
        }

        (_headers ??= new()).Add(new(name, value));
    }

    /// <summary>Whether any header value of this request is outside ASCII, which needs a handler that sends headers as UTF-8.</summary>
    internal bool HasNonAsciiHeader(string? lastEventId)
    {
        if (lastEventId is { } id && !System.Text.Ascii.IsValid(id))
        {
            return true;
        }

        if (_headers is not null)
        {
            foreach (var header in _headers)
            {
                if (!System.Text.Ascii.IsValid(header.Value))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Adds a request header with a formattable value (number, Guid, enum, date), formatted as in URIs.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public void AddHeader<T>(string name, T value)
        where T : IFormattable => AddHeader(name, SseUriBuilder.Format(value));

    /// <summary>Adds a request header; nothing when <paramref name="value"/> is <see langword="null"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public void AddHeader<T>(string name, T? value)
        where T : struct, IFormattable
    {
        if (value.HasValue)
        {
            AddHeader(name, SseUriBuilder.Format(value.GetValueOrDefault()));
        }
    }

    /// <summary>Adds a request header <c>true</c> or <c>false</c>; nothing when <paramref name="value"/> is <see langword="null"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public void AddHeader(string name, bool? value)
    {
        if (value.HasValue)
        {
            AddHeader(name, value.GetValueOrDefault() ? "true" : "false");
        }
    }

    /// <summary>Sets the JSON request body, serialized once with <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="TBody">The body type.</typeparam>
    /// <param name="body">The body.</param>
    /// <param name="typeInfo">The source-generated JSON metadata for <typeparamref name="TBody"/>.</param>
    public void SetJsonBody<TBody>(TBody body, JsonTypeInfo<TBody> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        _body = JsonSerializer.SerializeToUtf8Bytes(body, typeInfo);
    }

    private static readonly HttpRequestOptionsKey<bool> BrowserResponseStreaming = new("WebAssemblyEnableStreamingResponse");

    internal HttpRequestMessage CreateMessage(HttpClient httpClient, string? lastEventId)
    {
        // A new HttpRequestMessage is HTTP/1.1 whatever the client says; take the client's version settings (h2c, HTTP/3).
        var message = CreateMessage(httpClient.BaseAddress, lastEventId);
        message.Version = httpClient.DefaultRequestVersion;
        message.VersionPolicy = httpClient.DefaultVersionPolicy;
        return message;
    }

    internal HttpRequestMessage CreateMessage(Uri? baseAddress, string? lastEventId)
    {
        var message = new HttpRequestMessage(Method, Resolve(baseAddress));

        // In a browser (Blazor WebAssembly), HttpClient reads the whole response before returning it unless the request
        // asks for streaming (opt-in before .NET 10): a stream would never deliver. Other handlers ignore the option.
        message.Options.Set(BrowserResponseStreaming, true);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(SseProtocol.EventStreamMediaType));
        message.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (lastEventId is { Length: > 0 })
        {
            message.Headers.TryAddWithoutValidation(SseProtocol.LastEventIdHeader, lastEventId);
        }

        if (Run is { Id: null } run && Method != HttpMethod.Get)
        {
            // A run's start: the id it proposes, so that this start sent again (its answer lost) attaches to the run.
            message.Headers.TryAddWithoutValidation(SseProtocol.RunIdHeader, run.ProposedId);
        }

        if (_headers is not null)
        {
            foreach (var header in _headers)
            {
                if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
                {
                    throw new InvalidOperationException($"The header '{header.Key}' cannot be set on a request.");
                }
            }
        }

        if (_body is not null)
        {
            var content = new ByteArrayContent(_body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            message.Content = content;
        }

        return message;
    }

    private Uri Resolve(Uri? baseAddress)
    {
        if (baseAddress is null)
        {
            ThrowHelper.ThrowNoBaseAddress(RelativeUri);
        }

        // Keep the base address's own path ("http://host/api" + "/stocks" = "http://host/api/stocks"),
        // which Uri's relative resolution would drop.
        var root = baseAddress.AbsoluteUri;
        var query = root.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            root = root[..query];
        }

        return new Uri(root.TrimEnd('/') + RelativeUri, UriKind.Absolute);
    }
}

using System;
using System.Globalization;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sse.Runtime.Infrastructure;

/// <summary>
/// How items of <typeparamref name="T"/> map to server-sent events and back: the event name, the event id and
/// the data. Both sides of a contract use the same format, so what the server writes the client reads.
/// </summary>
/// <typeparam name="T">The item type a contract method streams.</typeparam>
/// <remarks>
/// Infrastructure for generated code: each contract gets one format per method in a generated <c>{Name}EventFormats</c>
/// class, shared by its endpoints and client. A format is immutable and thread-safe.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class SseEventFormat<T>
{
    /// <summary>Gets the event name written for <paramref name="item"/>, or <see langword="null"/> for none (the client sees <c>message</c>).</summary>
    /// <param name="item">The item being written.</param>
    /// <returns>The event name.</returns>
    public abstract string? GetEventType(T item);

    /// <summary>Gets the event id written for <paramref name="item"/>, or <see langword="null"/> for none.</summary>
    /// <param name="item">The item being written.</param>
    /// <returns>The event id.</returns>
    public abstract string? GetEventId(T item);

    /// <summary>
    /// Writes the event id of <paramref name="item"/> as UTF-8 when it is a formattable value (a number, a <c>Guid</c>,
    /// a date), so that the server writes it without making a string; the text is the same as
    /// <see cref="GetEventId"/>'s. Returns <see langword="false"/> when there is no such id (then <see cref="GetEventId"/>
    /// is used) or <paramref name="destination"/> is too small.
    /// </summary>
    /// <param name="item">The item being written.</param>
    /// <param name="destination">Where to write the id.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <returns>Whether the id was written.</returns>
    public virtual bool TryFormatEventId(T item, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        return false;
    }

    /// <summary>
    /// Gets the encoder that escapes JSON strings in the data. The server's writer uses it because a
    /// <see cref="Utf8JsonWriter"/>'s own options, not the serializer options, decide escaping.
    /// <see langword="null"/> is System.Text.Json's default.
    /// </summary>
    public virtual JavaScriptEncoder? Encoder => null;

    /// <summary>
    /// Gets whether an item's data is plain text (<see cref="GetText"/>, one <c>data:</c> line per line of the text)
    /// rather than one line of JSON (<see cref="Serialize"/>).
    /// </summary>
    public virtual bool IsText => false;

    /// <summary>Gets an item's data as text, when <see cref="IsText"/> is <see langword="true"/>.</summary>
    /// <param name="item">The item being written.</param>
    /// <returns>The text.</returns>
    public virtual string GetText(T item) => throw new NotSupportedException($"{GetType().Name} writes JSON, not text.");

    /// <summary>Writes <paramref name="item"/> as one JSON value to <paramref name="writer"/>.</summary>
    /// <param name="writer">The writer; it always writes compact JSON.</param>
    /// <param name="item">The item being written.</param>
    public abstract void Serialize(Utf8JsonWriter writer, T item);

    /// <summary>
    /// Reads an item from the data of an event named <paramref name="eventType"/>.
    /// Returns <see langword="false"/> when this format does not know the event name, so the client skips the event.
    /// </summary>
    /// <param name="eventType">The event name (<c>message</c> when the event had no <c>event:</c> field).</param>
    /// <param name="data">The event's data as UTF-8 bytes.</param>
    /// <param name="item">The item read.</param>
    /// <returns>Whether the event was read.</returns>
    /// <exception cref="JsonException">The payload is not valid JSON for the item type.</exception>
    public abstract bool TryDeserialize(string eventType, ReadOnlySpan<byte> data, [MaybeNullWhen(false)] out T item);
}

/// <summary>Creates <see cref="SseEventFormat{T}"/> instances for generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SseEventFormat
{
    /// <summary>
    /// Creates the format for items of exactly one type: every item is one event, with an optional fixed event name
    /// and an optional id taken from the item.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="typeInfo">The source-generated JSON metadata for <typeparamref name="T"/>.</param>
    /// <param name="eventType">The event name of every item, or <see langword="null"/> for unnamed (<c>message</c>) events.</param>
    /// <param name="eventId">Reads the event id from an item, or <see langword="null"/> when items carry no id.</param>
    /// <param name="readsAnyEventType">
    /// When <see langword="true"/>, the client reads every event's data as <typeparamref name="T"/> whatever its name:
    /// for <c>SseItem&lt;T&gt;</c> streams, where each item names its own event. Otherwise it reads only events named
    /// <paramref name="eventType"/> (<c>message</c> when that is <see langword="null"/>) and skips the rest.
    /// </param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> is not a valid event name.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Generated code names every argument; the overloads differ in the id's type, which decides how it is written.")]
    public static SseEventFormat<T> Json<T>(JsonTypeInfo<T> typeInfo, string? eventType = null, Func<T, string?>? eventId = null, bool readsAnyEventType = false)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ValidateEventType(eventType);
        return new JsonSseEventFormat<T>(typeInfo, eventType, eventId, readsAnyEventType);
    }

    /// <summary>
    /// Creates the format for items of exactly one type whose event id is a formattable value (a number, a <c>Guid</c>,
    /// a date): the server writes the id straight as UTF-8, the same text as <c>ToString(null, InvariantCulture)</c>.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TId">The id's type.</typeparam>
    /// <param name="typeInfo">The source-generated JSON metadata for <typeparamref name="T"/>.</param>
    /// <param name="eventType">The event name of every item, or <see langword="null"/> for unnamed (<c>message</c>) events.</param>
    /// <param name="eventId">Reads the event id from an item.</param>
    /// <param name="readsAnyEventType">When <see langword="true"/>, the client reads every event whatever its name.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> is not a valid event name.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "Generated code names every argument; the overloads differ in the id's type, which decides how it is written.")]
    public static SseEventFormat<T> Json<T, TId>(JsonTypeInfo<T> typeInfo, string? eventType, Func<T, TId> eventId, bool readsAnyEventType = false)
        where TId : IUtf8SpanFormattable, IFormattable
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(eventId);
        ValidateEventType(eventType);
        return new JsonSseEventFormat<T, TId>(typeInfo, eventType, eventId, readsAnyEventType);
    }

    /// <summary>Writes a formattable event id as UTF-8 with the invariant culture (for generated formats).</summary>
    /// <typeparam name="TId">The id's type.</typeparam>
    /// <param name="id">The id.</param>
    /// <param name="destination">Where to write it.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <returns>Whether it fit.</returns>
    public static bool TryFormatId<TId>(TId id, Span<byte> destination, out int bytesWritten)
        where TId : IUtf8SpanFormattable =>
        id.TryFormat(destination, out bytesWritten, default, CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates the format for plain-text items: each item's data is the string itself (not JSON), a line break in it
    /// starting a new <c>data:</c> line, as ASP.NET Core's <c>TypedResults.ServerSentEvents</c> writes strings.
    /// </summary>
    /// <param name="eventType">The event name of every item, or <see langword="null"/> for unnamed (<c>message</c>) events.</param>
    /// <param name="readsAnyEventType">When <see langword="true"/>, the client reads every event whatever its name.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> is not a valid event name.</exception>
    public static SseEventFormat<string> Text(string? eventType = null, bool readsAnyEventType = false)
    {
        ValidateEventType(eventType);
        return new TextSseEventFormat(eventType, readsAnyEventType);
    }

    private static void ValidateEventType(string? eventType)
    {
        if (eventType is not null && (eventType.Length == 0 || !SseProtocol.IsValidFieldValue(eventType) || SseProtocol.IsReservedEventType(eventType)))
        {
            throw new ArgumentException($"'{eventType}' cannot be an event name: it is empty, contains CR, LF or NUL, or is reserved ({string.Join(", ", SseProtocol.ReservedEventTypes)}).", nameof(eventType));
        }
    }

    /// <summary>Whether a read event is named as a format expects: <paramref name="expected"/>, or <c>message</c> when that is <see langword="null"/>.</summary>
    internal static bool IsNamed(string eventType, string? expected) =>
        string.Equals(eventType, expected ?? SseProtocol.MessageEventType, StringComparison.Ordinal);
}

/// <summary>
/// Items that are plain text: each item's data is the string itself, not JSON. A line break in it (CR, LF or CRLF)
/// becomes a new <c>data:</c> line, and the client reads the lines joined with LF, as browsers do.
/// </summary>
internal sealed class TextSseEventFormat : SseEventFormat<string>
{
    private readonly string? _eventType;
    private readonly bool _readsAnyEventType;

    public TextSseEventFormat(string? eventType, bool readsAnyEventType)
    {
        _eventType = eventType;
        _readsAnyEventType = readsAnyEventType;
    }

    public override string? GetEventType(string item) => _eventType;

    public override string? GetEventId(string item) => null;

    public override bool IsText => true;

    public override string GetText(string item) => item;

    /// <summary>Text is framed as text (<see cref="IsText"/>); as JSON it would be a JSON string.</summary>
    public override void Serialize(Utf8JsonWriter writer, string item) => writer.WriteStringValue(item);

    public override bool TryDeserialize(string eventType, ReadOnlySpan<byte> data, [MaybeNullWhen(false)] out string item)
    {
        if (!_readsAnyEventType && !SseEventFormat.IsNamed(eventType, _eventType))
        {
            item = null;
            return false;
        }

        item = System.Text.Encoding.UTF8.GetString(data);
        return true;
    }
}

internal class JsonSseEventFormat<T> : SseEventFormat<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly string? _eventType;
    private readonly Func<T, string?>? _eventId;
    private readonly bool _readsAnyEventType;

    public JsonSseEventFormat(JsonTypeInfo<T> typeInfo, string? eventType, Func<T, string?>? eventId, bool readsAnyEventType)
    {
        _typeInfo = typeInfo;
        _eventType = eventType;
        _eventId = eventId;
        _readsAnyEventType = readsAnyEventType;
    }

    public override string? GetEventType(T item) => _eventType;

    public override string? GetEventId(T item) => _eventId?.Invoke(item);

    public override JavaScriptEncoder? Encoder => _typeInfo.Options.Encoder;

    public override void Serialize(Utf8JsonWriter writer, T item) => JsonSerializer.Serialize(writer, item, _typeInfo);

    public override bool TryDeserialize(string eventType, ReadOnlySpan<byte> data, [MaybeNullWhen(false)] out T item)
    {
        // Spec: an event with no "event" field is dispatched as "message".
        if (!_readsAnyEventType && !SseEventFormat.IsNamed(eventType, _eventType))
        {
            item = default;
            return false;
        }

        item = JsonSerializer.Deserialize(data, _typeInfo)!;
        return true;
    }
}

/// <summary>A JSON format whose ids are formattable values, written as UTF-8 without a string.</summary>
internal sealed class JsonSseEventFormat<T, TId> : JsonSseEventFormat<T>
    where TId : IUtf8SpanFormattable, IFormattable
{
    private readonly Func<T, TId> _eventId;

    public JsonSseEventFormat(JsonTypeInfo<T> typeInfo, string? eventType, Func<T, TId> eventId, bool readsAnyEventType)
        : base(typeInfo, eventType, eventId: null, readsAnyEventType) => _eventId = eventId;

    public override string? GetEventId(T item) => _eventId(item).ToString(null, CultureInfo.InvariantCulture);

    public override bool TryFormatEventId(T item, Span<byte> destination, out int bytesWritten) =>
        _eventId(item).TryFormat(destination, out bytesWritten, default, CultureInfo.InvariantCulture);
}

namespace Sse.Generators.Model;

/// <summary>The type a method streams, and how an item of it becomes an event.</summary>
/// <param name="TypeFullName">The <c>global::</c>-qualified item type.</param>
/// <param name="DisplayName">The item type as a user writes it, for messages.</param>
/// <param name="JsonTypeInfoProperty">The property of the JSON context that holds the item's <c>JsonTypeInfo</c>.</param>
/// <param name="EventType">The <c>[SseEvent]</c> name of the item type, or <see langword="null"/>.</param>
/// <param name="EventId">The item's <c>[SseEventId]</c> property, or <see langword="null"/>.</param>
/// <param name="IsText">Whether items are plain text (<see cref="string"/>), written as is rather than as JSON.</param>
/// <param name="Derived">For a polymorphic item type: its derived types with an <c>[SseEvent]</c> name, most derived first.</param>
/// <param name="AlwaysDerived">
/// Whether every item is one of <paramref name="Derived"/>: the item type is abstract (or an interface) and no concrete
/// type of its assembly derives from it without an <c>[SseEvent]</c> name, its own or an ancestor's.
/// </param>
internal sealed record ItemModel(
    string TypeFullName,
    string DisplayName,
    string? JsonTypeInfoProperty,
    string? EventType,
    EventIdModel? EventId,
    bool IsText,
    EquatableArray<DerivedEventModel> Derived = default,
    bool AlwaysDerived = false)
{
    public bool IsPolymorphic => Derived.Count > 0;

    /// <summary>
    /// Whether an item can be sent as the item type itself (its own event): always for a plain item; for a polymorphic
    /// one only when its JSON context lists it and some item can be of no named derived type (an abstract base listed there
    /// whose concrete types all have names is never sent as itself).
    /// </summary>
    public bool SendsItself => !IsPolymorphic || (JsonTypeInfoProperty is not null && !AlwaysDerived);
}

/// <summary>A derived type of a polymorphic item type, streamed under its own event name.</summary>
/// <param name="TypeFullName">The <c>global::</c>-qualified derived type.</param>
/// <param name="EventType">Its <c>[SseEvent]</c> name.</param>
/// <param name="JsonTypeInfoProperty">The JSON context's property holding its <c>JsonTypeInfo</c>.</param>
/// <param name="EventId">Its <c>[SseEventId]</c> property, or <see langword="null"/>.</param>
internal sealed record DerivedEventModel(string TypeFullName, string EventType, string JsonTypeInfoProperty, EventIdModel? EventId);

/// <summary>The <c>[SseEventId]</c> property of an item type: what the emitters need to turn it into the <c>id:</c> text.</summary>
/// <param name="PropertyName">The property's name as a C# identifier.</param>
/// <param name="Kind">How its value becomes text.</param>
/// <param name="IsNullable">Whether the value can be <see langword="null"/> (a reference type or <c>Nullable&lt;T&gt;</c>), which writes no id.</param>
/// <param name="Utf8TypeFullName">
/// The value's type when it is never <see langword="null"/> and formats itself as UTF-8 (<c>IUtf8SpanFormattable</c>:
/// numbers, <c>Guid</c>, dates), so the server writes it without a string; otherwise <see langword="null"/>.
/// </param>
internal sealed record EventIdModel(string PropertyName, EventIdKind Kind, bool IsNullable, string? Utf8TypeFullName = null);

/// <summary>How an event id value becomes text.</summary>
internal enum EventIdKind
{
    /// <summary>A <see cref="string"/>, written as is.</summary>
    String,

    /// <summary>An <c>IFormattable</c> value (numbers, <c>Guid</c>, dates, enums), formatted with the invariant culture.</summary>
    Formattable,
}

namespace Sse.Generators.Model;

/// <summary>The type a method streams, and how an item of it becomes an event.</summary>
/// <param name="TypeFullName">The <c>global::</c>-qualified item type.</param>
/// <param name="DisplayName">The item type as a user writes it, for messages.</param>
/// <param name="JsonTypeInfoProperty">The property of the JSON context that holds the item's <c>JsonTypeInfo</c>.</param>
/// <param name="EventType">The <c>[SseEvent]</c> name of the item type, or <see langword="null"/>.</param>
/// <param name="EventIdExpression">The expression that reads the id from <c>item</c>, or <see langword="null"/>.</param>
/// <param name="IsText">Whether items are plain text (<see cref="string"/>), written as is rather than as JSON.</param>
/// <param name="Derived">For a polymorphic item type: its derived types with an <c>[SseEvent]</c> name, most derived first.</param>
internal sealed record ItemModel(
    string TypeFullName,
    string DisplayName,
    string? JsonTypeInfoProperty,
    string? EventType,
    string? EventIdExpression,
    bool IsText,
    EquatableArray<DerivedEventModel> Derived = default)
{
    public bool IsPolymorphic => Derived.Count > 0;
}

/// <summary>A derived type of a polymorphic item type, streamed under its own event name.</summary>
/// <param name="TypeFullName">The <c>global::</c>-qualified derived type.</param>
/// <param name="EventType">Its <c>[SseEvent]</c> name.</param>
/// <param name="JsonTypeInfoProperty">The JSON context's property holding its <c>JsonTypeInfo</c>.</param>
/// <param name="EventIdExpression">The expression reading its id from <c>value</c>, or <see langword="null"/>.</param>
internal sealed record DerivedEventModel(string TypeFullName, string EventType, string JsonTypeInfoProperty, string? EventIdExpression);

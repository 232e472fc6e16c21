namespace Sse.Generators.Model;

/// <summary>The type a method streams, and how an item of it becomes an event.</summary>
/// <param name="TypeFullName">The <c>global::</c>-qualified item type.</param>
/// <param name="DisplayName">The item type as a user writes it, for messages.</param>
/// <param name="JsonTypeInfoProperty">The property of the JSON context that holds the item's <c>JsonTypeInfo</c>.</param>
/// <param name="EventType">The <c>[SseEvent]</c> name of the item type, or <see langword="null"/>.</param>
/// <param name="EventIdExpression">The expression that reads the id from <c>item</c>, or <see langword="null"/>.</param>
/// <param name="IsText">Whether items are plain text (<see cref="string"/>), written as is rather than as JSON.</param>
internal sealed record ItemModel(
    string TypeFullName,
    string DisplayName,
    string JsonTypeInfoProperty,
    string? EventType,
    string? EventIdExpression,
    bool IsText);

using System.Linq;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits <c>{Name}EventFormats</c>: one <c>SseEventFormat&lt;T&gt;</c> per contract method, created once and shared by
/// the generated endpoints and client, so both sides name, identify and serialize events the same way. A polymorphic
/// item type gets a nested format class that writes each derived type under its own event name.
/// </summary>
internal static class EventFormatEmitter
{
    private const string Json = "global::System.Text.Json.JsonSerializer";
    private const string FormatType = "global::Sse.Runtime.Infrastructure.SseEventFormat";

    public static string Emit(ContractModel contract)
    {
        var writer = new SourceWriter();
        EmitterCommon.WriteHeader(writer);
        var className = contract.Name + "EventFormats";
        var members = new NameAllocator();
        members.Reserve(className);
        var fields = new System.Collections.Generic.List<(MethodModel Method, string Field, string? Nested)>();

        // Each format is named as its method (what the endpoints and the client refer to); helper types take what is left.
        foreach (var method in contract.Methods)
        {
            members.Reserve(method.Name);
        }

        foreach (var method in contract.Methods)
        {
            if (method.Item is not { } item)
            {
                continue; // A command streams nothing.
            }

            fields.Add((method, EmitterCommon.FormatField(method), item.IsPolymorphic ? members.Allocate(method.Name + "Format") : null));
        }

        using (EmitterCommon.OpenNamespace(writer, contract))
        {
            writer.WriteLine($"""
                /// <summary>
                /// How the events of <see cref="{contract.InterfaceFullName}"/> are written and read: one format per method,
                /// shared by the generated endpoints and client.
                /// </summary>
                {EmitterCommon.TypeAttributes}
                {EmitterCommon.HiddenAttribute}
                """);
            using (writer.Block($"internal static class {className}"))
            {
                var first = true;
                foreach (var (method, field, nested) in fields)
                {
                    if (!first)
                    {
                        writer.WriteLine();
                    }

                    first = false;
                    writer.WriteLine($"/// <summary>The events of <see cref=\"{contract.InterfaceFullName}.{CSharpCode.Identifier(method.Name)}\"/>.</summary>");
                    writer.WriteLine($"public static readonly {FormatType}<{method.StreamItem.TypeFullName}> {field} =");
                    using (writer.Indent())
                    {
                        if (nested is not null)
                        {
                            writer.WriteLine($"new {nested}();");
                        }
                        else
                        {
                            WriteFactory(writer, contract, method);
                        }
                    }
                }

                foreach (var (method, _, nested) in fields)
                {
                    if (nested is not null)
                    {
                        writer.WriteLine();
                        WritePolymorphic(writer, contract, method.StreamItem, nested);
                    }
                }
            }
        }

        return writer.ToString();
    }

    private static void WriteFactory(SourceWriter writer, ContractModel contract, MethodModel method)
    {
        var item = method.StreamItem;
        var eventType = item.EventType is null ? "null" : CSharpCode.Literal(item.EventType);
        var arguments = new System.Collections.Generic.List<string>();
        if (item.IsText)
        {
            arguments.Add("eventType: " + eventType);
        }
        else
        {
            arguments.Add(contract.JsonContextFullName + ".Default." + item.JsonTypeInfoProperty);
            arguments.Add("eventType: " + eventType);
            arguments.Add("eventId: " + (item.EventId is null
                ? "null"
                : item.EventId.Utf8TypeFullName is null
                    ? "static item => " + EmitterCommon.EventIdExpression(item.EventId, "item")
                    : "static item => item." + item.EventId.PropertyName));
        }

        if (method.ReturnsSseItem)
        {
            // Each SseItem names its own event, so the client reads every event's data as the item type.
            arguments.Add("readsAnyEventType: true");
        }

        // A numeric (UTF-8 formattable) id is handed over as its value, so the server writes it without a string.
        var factory = item.IsText
            ? FormatType + ".Text"
            : item.EventId?.Utf8TypeFullName is { } idType
                ? $"{FormatType}.Json<{item.TypeFullName}, {idType}>"
                : $"{FormatType}.Json<{item.TypeFullName}>";
        writer.WriteCall(factory, arguments);
    }

    /// <summary>
    /// The ids of a polymorphic item type's events that format as UTF-8 (numbers, <c>Guid</c>, dates), written without a
    /// string; the others fall back to <c>GetEventId</c>. Nothing is written when no type has such an id.
    /// </summary>
    private static void WriteUtf8EventIds(SourceWriter writer, ItemModel item)
    {
        var derived = item.Derived.Where(static d => d.EventId?.Utf8TypeFullName is not null).ToList();
        if (derived.Count == 0 && item.EventId?.Utf8TypeFullName is null)
        {
            return;
        }

        using (writer.Block($"public override bool TryFormatEventId({item.TypeFullName} item, global::System.Span<byte> destination, out int bytesWritten)"))
        {
            using (writer.Block("switch (item)"))
            {
                foreach (var type in item.Derived)
                {
                    writer.WriteLine($"case {type.TypeFullName} value:");
                    using (writer.Indent())
                    {
                        WriteTryFormat(writer, type.EventId, "value");
                    }
                }

                writer.WriteLine("default:");
                using (writer.Indent())
                {
                    WriteTryFormat(writer, item.EventId, "item");
                }
            }
        }

        writer.WriteLine();
    }

    private static void WriteTryFormat(SourceWriter writer, EventIdModel? eventId, string variable)
    {
        if (eventId?.Utf8TypeFullName is null)
        {
            writer.WriteLine("bytesWritten = 0;");
            writer.WriteLine("return false;");
        }
        else
        {
            writer.WriteLine($"return {FormatType}.TryFormatId({variable}.{eventId.PropertyName}, destination, out bytesWritten);");
        }
    }

    /// <summary>A polymorphic item type: each derived type under its own event name and JSON metadata; the client picks the type by name.</summary>
    private static void WritePolymorphic(SourceWriter writer, ContractModel contract, ItemModel item, string className)
    {
        var context = contract.JsonContextFullName + ".Default.";
        var baseName = item.EventType is null ? "null" : CSharpCode.Literal(item.EventType);
        writer.WriteLine($"/// <summary>The events of <see cref=\"{item.TypeFullName}\"/>: each derived type under its own event name.</summary>");
        using (writer.Block($"private sealed class {className} : {FormatType}<{item.TypeFullName}>"))
        {
            writer.WriteLine($"public override string? GetEventType({item.TypeFullName} item) => item switch");
            writer.WriteLine("{");
            using (writer.Indent())
            {
                foreach (var derived in item.Derived)
                {
                    writer.WriteLine($"{derived.TypeFullName} => {CSharpCode.Literal(derived.EventType)},");
                }

                writer.WriteLine($"_ => {baseName},");
            }

            writer.WriteLine("};");
            writer.WriteLine();

            writer.WriteLine($"public override string? GetEventId({item.TypeFullName} item) => item switch");
            writer.WriteLine("{");
            using (writer.Indent())
            {
                foreach (var derived in item.Derived)
                {
                    writer.WriteLine($"{derived.TypeFullName} value => {(derived.EventId is null ? "null" : EmitterCommon.EventIdExpression(derived.EventId, "value"))},");
                }

                writer.WriteLine($"_ => {(item.EventId is null ? "null" : EmitterCommon.EventIdExpression(item.EventId, "item"))},");
            }

            writer.WriteLine("};");
            writer.WriteLine();

            WriteUtf8EventIds(writer, item);

            using (writer.Block($"public override void Serialize(global::System.Text.Json.Utf8JsonWriter writer, {item.TypeFullName} item)"))
            {
                using (writer.Block("switch (item)"))
                {
                    foreach (var derived in item.Derived)
                    {
                        writer.WriteLine($"case {derived.TypeFullName} value:");
                        using (writer.Indent())
                        {
                            writer.WriteLine($"{Json}.Serialize(writer, value, {context}{derived.JsonTypeInfoProperty});");
                            writer.WriteLine("return;");
                        }
                    }

                    writer.WriteLine("default:");
                    using (writer.Indent())
                    {
                        if (item.JsonTypeInfoProperty is null)
                        {
                            var message = $"{{item.GetType()}} has no [SseEvent] name, so it cannot be streamed as {item.DisplayName}: give it [SseEvent(\"name\")] and a [JsonSerializable].";
                            writer.WriteLine($"throw new global::System.InvalidOperationException($\"{message.Replace("\"", "\\\"")}\");");
                        }
                        else
                        {
                            writer.WriteLine($"{Json}.Serialize(writer, item, {context}{item.JsonTypeInfoProperty});");
                            writer.WriteLine("return;");
                        }
                    }
                }
            }

            writer.WriteLine();
            using (writer.Block($"public override bool TryDeserialize(string eventType, global::System.ReadOnlySpan<byte> data, [global::System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out {item.TypeFullName} item)"))
            {
                using (writer.Block("switch (eventType)"))
                {
                    foreach (var derived in item.Derived)
                    {
                        writer.WriteLine($"case {CSharpCode.Literal(derived.EventType)}:");
                        using (writer.Indent())
                        {
                            writer.WriteLine($"item = {Json}.Deserialize(data, {context}{derived.JsonTypeInfoProperty})!;");
                            writer.WriteLine("return true;");
                        }
                    }

                    if (item.JsonTypeInfoProperty is not null)
                    {
                        writer.WriteLine($"case {CSharpCode.Literal(item.EventType ?? "message")}:");
                        using (writer.Indent())
                        {
                            writer.WriteLine($"item = {Json}.Deserialize(data, {context}{item.JsonTypeInfoProperty})!;");
                            writer.WriteLine("return true;");
                        }
                    }

                    writer.WriteLine("default:");
                    using (writer.Indent())
                    {
                        writer.WriteLine("item = default!;");
                        writer.WriteLine("return false;");
                    }
                }
            }
        }
    }
}

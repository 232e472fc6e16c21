using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits the event format of a polymorphic item type: each derived type is written under its own event name with its
/// own JSON metadata, and the client picks the derived type by event name (an unknown name is skipped).
/// </summary>
internal static class PolymorphicFormatEmitter
{
    public static void Write(SourceWriter writer, ContractModel contract, ItemModel item, string className)
    {
        var json = "global::System.Text.Json.JsonSerializer";
        var context = contract.JsonContextFullName + ".Default.";
        var baseName = item.EventType is null ? "null" : TypeNames.Literal(item.EventType);
        writer.WriteLine(EmitterCommon.GeneratedCodeAttribute);
        using (writer.Block($"file sealed class {className} : global::Sse.Runtime.SseEventFormat<{item.TypeFullName}>"))
        {
            writer.WriteLine($"public static readonly {className} Instance = new();");
            writer.WriteLine();

            writer.WriteLine($"public override string? GetEventType({item.TypeFullName} item) => item switch");
            writer.WriteLine("{");
            using (writer.Indent())
            {
                foreach (var derived in item.Derived)
                {
                    writer.WriteLine($"{derived.TypeFullName} => {TypeNames.Literal(derived.EventType)},");
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
                    writer.WriteLine($"{derived.TypeFullName} value => {derived.EventIdExpression ?? "null"},");
                }

                writer.WriteLine($"_ => {item.EventIdExpression ?? "null"},");
            }

            writer.WriteLine("};");
            writer.WriteLine();

            using (writer.Block($"public override void Serialize(global::System.Text.Json.Utf8JsonWriter writer, {item.TypeFullName} item)"))
            {
                using (writer.Block("switch (item)"))
                {
                    foreach (var derived in item.Derived)
                    {
                        writer.WriteLine($"case {derived.TypeFullName} value:");
                        using (writer.Indent())
                        {
                            writer.WriteLine($"{json}.Serialize(writer, value, {context}{derived.JsonTypeInfoProperty});");
                            writer.WriteLine("return;");
                        }
                    }

                    writer.WriteLine("default:");
                    using (writer.Indent())
                    {
                        writer.WriteLine(item.JsonTypeInfoProperty is null
                            ? $"throw new global::System.InvalidOperationException($\"{{item.GetType()}} has no [SseEvent] name, so it cannot be streamed as {item.DisplayName}: give it [SseEvent(\\\"name\\\")] and a [JsonSerializable].\");"
                            : $"{json}.Serialize(writer, item, {context}{item.JsonTypeInfoProperty});");
                        if (item.JsonTypeInfoProperty is not null)
                        {
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
                        writer.WriteLine($"case {TypeNames.Literal(derived.EventType)}:");
                        using (writer.Indent())
                        {
                            writer.WriteLine($"item = {json}.Deserialize(data, {context}{derived.JsonTypeInfoProperty})!;");
                            writer.WriteLine("return true;");
                        }
                    }

                    if (item.JsonTypeInfoProperty is not null)
                    {
                        writer.WriteLine($"case {TypeNames.Literal(item.EventType ?? "message")}:");
                        using (writer.Indent())
                        {
                            writer.WriteLine($"item = {json}.Deserialize(data, {context}{item.JsonTypeInfoProperty})!;");
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

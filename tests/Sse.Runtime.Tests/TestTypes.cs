using System;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sse.Runtime.Infrastructure;

namespace Sse.Runtime.Tests;

public sealed record Point(int X, int Y, string Label);

/// <summary>A converter that writes raw JSON containing line breaks, as a careless custom converter might.</summary>
public sealed class RawMultilineConverter : JsonConverter<Multiline>
{
    public override Multiline Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new Multiline(document.RootElement.GetProperty("a").GetInt32());
    }

    public override void Write(Utf8JsonWriter writer, Multiline value, JsonSerializerOptions options) =>
        writer.WriteRawValue("{\n  \"a\": " + value.A + ",\r\n  \"b\": \"x\"\r}", skipInputValidation: true);
}

[JsonConverter(typeof(RawMultilineConverter))]
public sealed record Multiline(int A);

/// <summary>A converter that fails half-way through writing a negative value, after it wrote part of the object.</summary>
public sealed class FragileConverter : JsonConverter<Fragile>
{
    public override Fragile Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, Fragile value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("a", value.A);
        if (value.A < 0)
        {
            throw new InvalidOperationException("Negative values cannot be written.");
        }

        writer.WriteEndObject();
    }
}

[JsonConverter(typeof(FragileConverter))]
public sealed record Fragile(int A);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Point))]
[JsonSerializable(typeof(Multiline))]
[JsonSerializable(typeof(Fragile))]
[JsonSerializable(typeof(string))]
internal sealed partial class RuntimeTestJson : JsonSerializerContext;

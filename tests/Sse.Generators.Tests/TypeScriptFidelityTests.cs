using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>
/// The TypeScript types against what the contract's JSON context really writes: the compiled contract (with the
/// System.Text.Json source generator's output) serializes an item, and every JSON property must be one the TypeScript
/// interface declares, with a type that admits its value; every required TypeScript property must be in the JSON.
/// </summary>
public class TypeScriptFidelityTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Threading;
        using Sse.Contracts;

        namespace Demo.Fidelity;

        public enum Level { Low, High = 5 }

        public class Base
        {
            public int BaseId { get; set; } = 7;
        }

        [JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
        [JsonDerivedType(typeof(Circle), "circle")]
        [JsonDerivedType(typeof(Square), "square")]
        public abstract class Shape
        {
            public string Name { get; set; } = "s";
        }

        public sealed class Circle : Shape
        {
            public string Radius { get; set; } = "2";
        }

        public sealed class Square : Shape
        {
            public bool Filled { get; set; } = true;
        }

        [JsonDerivedType(typeof(Tagged), "tagged")]
        public class Note
        {
            public string Text { get; set; } = "n";
        }

        public sealed class Tagged : Note
        {
            public string Tag { get; set; } = "t";
        }

        /// <summary>No number handling of its own: the context's (numbers written as strings).</summary>
        public sealed class Meter
        {
            public int Count { get; set; } = 3;
            public double[] Levels { get; set; } = [0.25];
            public Level Level { get; set; }
        }

        [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
        public sealed class Reading : Base
        {
            public int SensorId { get; set; } = 1;
            [JsonNumberHandling(JsonNumberHandling.Strict)] public long Strict { get; set; } = 2;
            public double Ratio { get; set; } = double.NaN;
            public decimal Price { get; set; } = 1.5m;
            public List<int> Samples { get; set; } = [1, 2];
            public int Computed => SensorId * 2;
            public string? Note { get; set; }
            [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Maybe { get; set; }
            [JsonPropertyName("lvl")] public Level Level { get; set; } = Level.High;
            public Dictionary<string, double> Weights { get; set; } = new() { ["a"] = 0.5 };
            [JsonExtensionData] public Dictionary<string, JsonElement> Extra { get; set; } = new() { ["free"] = JsonDocument.Parse("3").RootElement.Clone() };
            public DateTimeOffset At { get; set; } = DateTimeOffset.UnixEpoch;
            public Guid Id { get; set; } = Guid.Empty;
            public byte[] Raw { get; set; } = [1, 2, 3];
            public Meter Meter { get; set; } = new();
            public Shape Shape { get; set; } = new Circle();
            public List<Shape> Shapes { get; set; } = [new Square(), new Circle()];
            public List<Note> Notes { get; set; } = [new Note(), new Tagged()];
        }

        [SseStream("/fidelity", JsonContext = typeof(FidelityJson))]
        public interface IFidelity
        {
            [SseGet("/readings")]
            IAsyncEnumerable<Reading> Readings(CancellationToken cancellationToken = default);
        }

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
            NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString,
            IgnoreReadOnlyProperties = true, UseStringEnumConverter = true)]
        [JsonSerializable(typeof(Reading))]
        public sealed partial class FidelityJson : JsonSerializerContext;
        """;

    [Fact]
    public void TypeScriptInterface_AdmitsExactlyWhatTheJsonContextWrites()
    {
        var (files, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source), new Dictionary<string, string> { ["SseTypeScriptOutput"] = "client" });
        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
        var (file, ts) = TypeScriptTests.Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);
        GeneratorHarness.MatchSnapshot("Fidelity." + file, ts); // tsc type-checks the snapshots (npm test).

        // What the context writes, from the compiled contract itself.
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext("fidelity", isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var readingType = assembly.GetType("Demo.Fidelity.Reading", throwOnError: true)!;
            var jsonContext = (JsonSerializerContext)assembly.GetType("Demo.Fidelity.FidelityJson", throwOnError: true)!.GetProperty("Default")!.GetValue(null)!;
            var json = JsonSerializer.Serialize(Activator.CreateInstance(readingType), readingType, jsonContext);
            using var document = JsonDocument.Parse(json);

            var types = new TypeScriptTypes(ts);
            Assert.True(types.Admits("Reading", document.RootElement, out var why), $"{why}\nJSON: {json}\nTypeScript:\n{ts}");
            Assert.Contains("| ({ kind: \"circle\" } & Circle)", ts, StringComparison.Ordinal);
            Assert.Contains("| { text: string }", ts, StringComparison.Ordinal); // Note itself, with no discriminator.
        }
        finally
        {
            context.Unload();
        }
    }
}

/// <summary>
/// The declarations of a generated TypeScript file, read back (interfaces, enums, unions) to check JSON values against
/// them structurally: the types the generator writes, not TypeScript in general.
/// </summary>
internal sealed class TypeScriptTypes
{
    private readonly Dictionary<string, Dictionary<string, (string Type, bool Optional)>> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _unions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _enums = new(StringComparer.Ordinal);

    public TypeScriptTypes(string ts)
    {
        foreach (Match match in Regex.Matches(ts, @"export interface (?<name>\w+) \{\n(?<body>.*?)\n\}", RegexOptions.Singleline))
        {
            _interfaces[match.Groups["name"].Value] = Members(match.Groups["body"].Value.Split('\n').Select(static l => l.Trim().TrimEnd(';')));
        }

        foreach (Match match in Regex.Matches(ts, @"export type (?<name>\w+) =\n(?<body>(?:\s+\|.*\n)+)"))
        {
            _unions[match.Groups["name"].Value] = [.. match.Groups["body"].Value.Split('\n').Select(static l => l.Trim().TrimEnd(';')).Where(static l => l.StartsWith('|')).Select(static l => l[1..].Trim())];
        }

        foreach (Match match in Regex.Matches(ts, @"export const (?<name>\w+) = \{\n(?<body>.*?)\n\} as const;", RegexOptions.Singleline))
        {
            _enums[match.Groups["name"].Value] = [.. match.Groups["body"].Value.Split('\n').Select(static l => l.Trim().TrimEnd(',')).Select(static l => l[(l.IndexOf(':') + 1)..].Trim())];
        }
    }

    /// <summary>Whether <paramref name="type"/> admits <paramref name="value"/>; if not, <paramref name="why"/> says where.</summary>
    public bool Admits(string type, JsonElement value, out string why) => Admits(type, value, [], out why);

    /// <param name="type">The type.</param>
    /// <param name="value">The JSON value.</param>
    /// <param name="others">Properties another side of an intersection declares (a discriminator).</param>
    /// <param name="why">Where it failed.</param>
    private bool Admits(string type, JsonElement value, HashSet<string> others, out string why)
    {
        why = string.Empty;
        type = type.Trim();
        foreach (var alternative in SplitTop(type, " | "))
        {
            if (AdmitsOne(alternative, value, others, out var reason))
            {
                why = string.Empty;
                return true;
            }

            why = reason;
        }

        return false;
    }

    private bool AdmitsOne(string type, JsonElement value, HashSet<string> others, out string why)
    {
        why = $"{value.GetRawText()} is not a {type}";
        if (type.StartsWith('(') && type.EndsWith(')'))
        {
            type = type[1..^1];
        }

        var parts = SplitTop(type, " & ");
        if (parts.Count > 1)
        {
            // Each side declares part of the object: the keys of the inline sides are the others' to ignore.
            var inline = parts.Where(static p => p.StartsWith('{')).SelectMany(static p => Members(SplitTop(p[1..^1].Trim(), "; ")).Keys).ToHashSet(StringComparer.Ordinal);
            foreach (var part in parts)
            {
                var admitted = part.StartsWith('{')
                    ? Members(SplitTop(part[1..^1].Trim(), "; ")).All(m => value.ValueKind == JsonValueKind.Object && value.TryGetProperty(m.Key, out var p) && Admits(m.Value.Type, p, [], out _))
                    : AdmitsOne(part, value, inline, out why);
                if (!admitted)
                {
                    why = why.Length > 0 ? why : $"{value.GetRawText()} is not a {part}";
                    return false;
                }
            }

            return true;
        }

        switch (type)
        {
            case "unknown": return true;
            case "null": return value.ValueKind == JsonValueKind.Null;
            case "string": return value.ValueKind == JsonValueKind.String;
            case "number": return value.ValueKind == JsonValueKind.Number;
            case "boolean": return value.ValueKind is JsonValueKind.True or JsonValueKind.False;
        }

        if (type.StartsWith('"'))
        {
            return value.ValueKind == JsonValueKind.String && value.GetString() == type.Trim('"');
        }

        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            var element = type[..^2];
            foreach (var item in value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : default)
            {
                if (!Admits(element.StartsWith('(') ? element[1..^1] : element, item, [], out why))
                {
                    return false;
                }
            }

            return value.ValueKind == JsonValueKind.Array;
        }

        if (type.StartsWith("Record<string, ", StringComparison.Ordinal))
        {
            return value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(p => Admits(type["Record<string, ".Length..^1], p.Value, [], out _));
        }

        if (type.StartsWith('{'))
        {
            // An inline object type (a discriminator, or a polymorphic base type's own members): its members must be there;
            // the rest of the object is checked by the other side of an intersection.
            var members = Members(SplitTop(type[1..^1].Trim(), "; "));
            return value.ValueKind == JsonValueKind.Object
                && members.All(m => m.Value.Optional || value.TryGetProperty(m.Key, out var p) && Admits(m.Value.Type, p, [], out _))
                && value.EnumerateObject().All(p => members.ContainsKey(p.Name) || others.Contains(p.Name));
        }

        if (_enums.TryGetValue(type, out var values))
        {
            return values.Any(v => v.StartsWith('"') ? value.ValueKind == JsonValueKind.String && value.GetString() == v.Trim('"') : value.ValueKind == JsonValueKind.Number && value.GetRawText() == v);
        }

        if (_unions.TryGetValue(type, out var alternatives))
        {
            return alternatives.Any(a => Admits(a, value, others, out _));
        }

        if (_interfaces.TryGetValue(type, out var declared))
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var property in value.EnumerateObject())
            {
                var memberType = declared.TryGetValue(property.Name, out var member) ? member.Type : declared.TryGetValue("[key: string]", out var index) ? index.Type : null;
                if (memberType is null)
                {
                    why = $"'{property.Name}' is not a member of {type}";
                    if (others.Contains(property.Name))
                    {
                        continue; // Declared by the other side of an intersection (a discriminator).
                    }

                    return false;
                }

                if (!Admits(memberType, property.Value, [], out why))
                {
                    why = $"{type}.{property.Name}: {why}";
                    return false;
                }
            }

            foreach (var (name, member) in declared.Where(static m => !m.Value.Optional && m.Key != "[key: string]"))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    why = $"{type} requires '{name}: {member.Type}', which the JSON does not have";
                    return false;
                }
            }

            return true;
        }

        why = $"unknown type {type}";
        return false;
    }

    private static Dictionary<string, (string Type, bool Optional)> Members(IEnumerable<string> lines)
    {
        var members = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var line in lines.Where(static l => l.Length > 0))
        {
            var index = Regex.Match(line, @"^\[key: string\]: (?<type>.+)$");
            if (index.Success)
            {
                members["[key: string]"] = (index.Groups["type"].Value, true);
                continue;
            }

            var member = Regex.Match(line, @"^""?(?<name>[^""?:]+)""?(?<optional>\?)?: (?<type>.+)$");
            Assert.True(member.Success, $"Unexpected member '{line}'.");
            members[member.Groups["name"].Value] = (member.Groups["type"].Value, member.Groups["optional"].Success);
        }

        return members;
    }

    /// <summary>Splits at a separator outside parentheses, braces and angle brackets.</summary>
    private static List<string> SplitTop(string text, string separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] is '(' or '{' or '<' ? 1 : text[i] is ')' or '}' or '>' ? -1 : 0;
            if (depth == 0 && string.CompareOrdinal(text, i, separator, 0, separator.Length) == 0)
            {
                parts.Add(text[start..i].Trim());
                start = i + separator.Length;
                i += separator.Length - 1;
            }
        }

        parts.Add(text[start..].Trim());
        return parts;
    }
}

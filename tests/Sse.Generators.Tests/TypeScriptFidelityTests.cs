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
        var (_, ts) = TypeScriptTests.Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);
        var declared = InterfaceMembers(ts, "Reading");
        var meter = InterfaceMembers(ts, "Meter");

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

            AssertAdmits(document.RootElement, declared, json, ts);
            AssertAdmits(document.RootElement.GetProperty("meter"), meter, json, ts);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Every property of <paramref name="element"/> is declared and admitted; every required member is there.</summary>
    private static void AssertAdmits(JsonElement element, Dictionary<string, (string Type, bool Optional)> declared, string json, string ts)
    {
        var written = element.EnumerateObject().ToList();
        foreach (var property in written)
        {
            var type = declared.TryGetValue(property.Name, out var member) ? member.Type
                : declared.TryGetValue("[key: string]", out var index) ? index.Type
                : null;
            Assert.True(type is not null, $"The JSON has '{property.Name}', which the TypeScript interface does not declare.\nJSON: {json}\nTypeScript:\n{ts}");
            Assert.True(Admits(type!, property.Value), $"'{property.Name}' is written as {property.Value.GetRawText()}, which the TypeScript type '{type}' does not admit.\nJSON: {json}");
        }

        foreach (var (name, member) in declared.Where(static m => !m.Value.Optional && m.Key != "[key: string]"))
        {
            Assert.True(written.Any(p => p.Name == name), $"The TypeScript interface requires '{name}: {member.Type}', which the JSON does not have.\nJSON: {json}");
        }
    }

    /// <summary>The members of one exported interface: name → (type, optional).</summary>
    private static Dictionary<string, (string Type, bool Optional)> InterfaceMembers(string ts, string name)
    {
        var body = Regex.Match(ts, "export interface " + name + @" \{\n(?<body>.*?)\n\}", RegexOptions.Singleline).Groups["body"].Value;
        Assert.False(string.IsNullOrEmpty(body), $"No interface {name} in:\n{ts}");
        var members = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var line in body.Split('\n').Select(static l => l.Trim().TrimEnd(';')))
        {
            var index = Regex.Match(line, @"^\[key: string\]: (?<type>.+)$");
            if (index.Success)
            {
                members["[key: string]"] = (index.Groups["type"].Value, true);
                continue;
            }

            var member = Regex.Match(line, @"^""?(?<name>[^""?:]+)""?(?<optional>\?)?: (?<type>.+)$");
            Assert.True(member.Success, $"Unexpected member line '{line}'.");
            members[member.Groups["name"].Value] = (member.Groups["type"].Value, member.Groups["optional"].Success);
        }

        return members;
    }

    /// <summary>Whether a TypeScript type (as the generator writes them) admits a JSON value.</summary>
    private static bool Admits(string type, JsonElement value)
    {
        var alternatives = type.Split(" | ").Select(static t => t.Trim()).ToList();
        return alternatives.Any(t => t switch
        {
            "unknown" => true,
            "null" => value.ValueKind == JsonValueKind.Null,
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when t.StartsWith('"') => value.ValueKind == JsonValueKind.String && value.GetString() == t.Trim('"'),
            _ when t.EndsWith("[]", StringComparison.Ordinal) => value.ValueKind == JsonValueKind.Array
                && value.EnumerateArray().All(e => Admits(t[..^2].Trim('(', ')'), e)),
            _ when t.StartsWith("Record<string, ", StringComparison.Ordinal) => value.ValueKind == JsonValueKind.Object
                && value.EnumerateObject().All(p => Admits(t["Record<string, ".Length..^1], p.Value)),
            _ => value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Object, // A declared enum or interface.
        });
    }
}

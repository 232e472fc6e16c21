using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>The TypeScript clients: generated when the project sets SseTypeScriptOutput, shaped as the JSON context writes.</summary>
public class TypeScriptTests
{
    private static readonly Dictionary<string, string> AskForTypeScript = new() { ["SseTypeScriptOutput"] = "client" };

    [Theory]
    [InlineData(nameof(TestSources.Basic))]
    [InlineData(nameof(TestSources.AllShapes))]
    [InlineData(nameof(TestSources.Design))]
    [InlineData(nameof(TestSources.Topics))]
    [InlineData(nameof(TestSources.Awkward))]
    public void Contract_TypeScriptClient_MatchesSnapshot(string sourceName)
    {
        var source = (string)typeof(TestSources).GetField(sourceName)!.GetValue(null)!;
        var (files, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source), AskForTypeScript);
        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));

        var carriers = files.Where(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(carriers);
        foreach (var (hint, text) in carriers)
        {
            var (file, typeScript) = Carried(text);
            Assert.Matches("^[a-z0-9-]+\\.ts$", file);
            GeneratorHarness.MatchSnapshot(sourceName + "." + file, typeScript);
        }
    }

    [Fact]
    public void WithoutTheProperty_NoTypeScriptIsGenerated()
    {
        var (files, _, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(TestSources.Design));
        Assert.DoesNotContain(files.Keys, static k => k.Contains("TypeScript", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ContractsOnly")]
    [InlineData("ClientOnly")]
    [InlineData("ServerAndClient")]
    public void EveryProjectDeclaringTheContract_GetsTheSameClient_ContractsLibrariesToo(string runtimes)
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Design, Enum.Parse<GeneratorHarness.Runtimes>(runtimes));
        var (files, output, _) = GeneratorHarness.Run(compilation, AskForTypeScript);

        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
        var (name, ts) = Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);
        var (_, expected) = Carried(GeneratorHarness.Run(GeneratorHarness.CreateCompilation(TestSources.Design), AskForTypeScript).Files
            .Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);
        Assert.EndsWith(".ts", name, StringComparison.Ordinal);
        Assert.Equal(expected, ts);
    }

    [Fact]
    public void JsonContextOptions_NamingEnumsIgnoredAndOptional_ShapeTheTypes()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Text.Json.Serialization;
            using System.Threading;
            using Sse.Contracts;

            namespace Demo.Shapes;

            public enum Level { Low, High = 5 }

            [JsonConverter(typeof(JsonStringEnumConverter<Color>))]
            public enum Color { Red, [JsonStringEnumMemberName("deep-blue")] Blue }

            public sealed class Reading
            {
                public int SensorId { get; set; }
                public string? Note { get; set; }
                [JsonPropertyName("v")] public double Value { get; set; }
                [JsonIgnore] public string Secret { get; set; } = "";
                [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Maybe { get; set; }
                public Level Level { get; set; }
                public Color Color { get; set; }
                public List<int> Samples { get; set; } = [];
                public Dictionary<string, Reading?> Children { get; set; } = [];
                public byte[] Raw { get; set; } = [];
                public System.DateTimeOffset At { get; set; }
                public long? Counter { get; set; }
            }

            [SseStream("/shapes", JsonContext = typeof(ShapesJson))]
            public interface IReadings
            {
                [SseGet("/readings")]
                IAsyncEnumerable<Reading> Readings(Level level, string? tag = null, CancellationToken cancellationToken = default);
            }

            [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
            [JsonSerializable(typeof(Reading))]
            internal sealed partial class ShapesJson : JsonSerializerContext;
            """;
        var (files, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source), AskForTypeScript);
        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
        var (_, ts) = Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);

        Assert.Contains("sensor_id: number;", ts, StringComparison.Ordinal);
        Assert.Contains("note: string | null;", ts, StringComparison.Ordinal);
        Assert.Contains("v: number;", ts, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ts, StringComparison.Ordinal);
        Assert.Contains("maybe?: string | null;", ts, StringComparison.Ordinal);
        Assert.Contains("High: 5,", ts, StringComparison.Ordinal);
        Assert.Contains("Blue: \"deep-blue\",", ts, StringComparison.Ordinal);
        Assert.Contains("samples: number[];", ts, StringComparison.Ordinal);
        Assert.Contains("children: Record<string, Reading | null>;", ts, StringComparison.Ordinal);
        Assert.Contains("raw: string;", ts, StringComparison.Ordinal);
        Assert.Contains("at: string;", ts, StringComparison.Ordinal);
        Assert.Contains("counter: number | null;", ts, StringComparison.Ordinal);
        Assert.Contains("readings(level: Level, tag?: string | null, init?:", ts, StringComparison.Ordinal);
    }

    [Fact]
    public void PolymorphicStream_AbstractBaseListedInTheContext_UnionHasOnlyTheEventsSent()
    {
        // "Every streamed type is listed here": the abstract base too. It is never sent as itself, so no "message" member.
        const string Source = TestSources.Usings + """
            namespace Demo.Market;

            [JsonDerivedType(typeof(Traded), "traded")]
            [JsonDerivedType(typeof(Halted), "halted")]
            public abstract record MarketEvent([property: SseEventId] long Seq);
            [SseEvent("traded")] public sealed record Traded(long Seq, decimal Price) : MarketEvent(Seq);
            [SseEvent("halted")] public sealed record Halted(long Seq, string Reason) : MarketEvent(Seq);

            [SseStream("/market", JsonContext = typeof(MarketJson))]
            public interface IMarket
            {
                [SseGet("/events")]
                IAsyncEnumerable<MarketEvent> Events(CancellationToken cancellationToken = default);
            }

            [JsonSerializable(typeof(MarketEvent))]
            [JsonSerializable(typeof(Traded))]
            [JsonSerializable(typeof(Halted))]
            internal sealed partial class MarketJson : JsonSerializerContext;
            """;
        var (files, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source), AskForTypeScript);
        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
        var (_, ts) = Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);

        Assert.Contains("export type MarketEventsEvent =", ts, StringComparison.Ordinal);
        Assert.Contains("| { readonly event: \"traded\"; readonly data: Traded;", ts, StringComparison.Ordinal);
        Assert.Contains("| { readonly event: \"halted\"; readonly data: Halted;", ts, StringComparison.Ordinal);
        Assert.DoesNotContain("\"message\"", ts, StringComparison.Ordinal); // Neither in the union nor in the reader's cases.
    }

    [Theory]
    [InlineData("IHTTPFeed", "http-feed.ts", "/http-feed/get-items")]
    [InlineData("IStockFeed", "stock-feed.ts", "/stock-feed/get-items")]
    [InlineData("IOAuth2Events", "o-auth2-events.ts", "/o-auth2-events/get-items")]
    public void FileNameAndDefaultRoute_ShareOneKebabCase(string interfaceName, string file, string route)
    {
        // Acronyms split the same way in the file name as in the routes, so a contract is one name everywhere.
        var contract = interfaceName[1..];
        var source = TestSources.Usings + $$"""
            namespace Demo.Naming;
            public sealed record Row(int Value);
            [SseStream("/{{Sse.Generators.Common.Naming.KebabCase(contract)}}", JsonContext = typeof(NamingJson))]
            public interface {{interfaceName}}
            {
                IAsyncEnumerable<Row> GetItems(CancellationToken cancellationToken = default);
            }
            [JsonSerializable(typeof(Row))] internal sealed partial class NamingJson : JsonSerializerContext;
            """;
        var (files, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source), AskForTypeScript);
        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
        var (name, ts) = Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);

        Assert.Equal(file, name);
        Assert.Contains($"path: `{route}`", ts, StringComparison.Ordinal);
    }

    [Fact]
    public void Imports_AreWhatTheClientCalls_NotWordsInItsComments()
    {
        // A summary that reads like calls of the runtime's functions imports none of them (noUnusedLocals would fail).
        const string Source = TestSources.Usings + """
            namespace Demo.Imports;
            public sealed record Row(int Value);
            [SseStream("/rows", JsonContext = typeof(RowsJson))]
            public interface IRows
            {
                /// <summary>Rows; see query(x), headerValues(y), text(z), and sendCommand(w).</summary>
                [SseGet("/all")]
                IAsyncEnumerable<Row> All(CancellationToken cancellationToken = default);
            }
            [JsonSerializable(typeof(Row))] internal sealed partial class RowsJson : JsonSerializerContext;
            """;
        var (files, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source), AskForTypeScript);
        Assert.Empty(GeneratorHarness.CompileDiagnostics(output));
        var (_, ts) = Carried(files.Single(static f => f.Key.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal)).Value);

        var import = ts.Split('\n').Single(static l => l.StartsWith("import ", StringComparison.Ordinal));
        Assert.Equal("import { json, readStream, type SseClientOptions } from \"@sse-contracts/client\";", import);
    }

    /// <summary>The file name and TypeScript source a generated carrier holds.</summary>
    internal static (string File, string Source) Carried(string carrier)
    {
        var attribute = CSharpSyntaxTree.ParseText(carrier).GetRoot().DescendantNodes().OfType<AttributeSyntax>().Single();
        var arguments = attribute.ArgumentList!.Arguments.Select(static a => ((LiteralExpressionSyntax)a.Expression).Token.ValueText).ToList();
        Assert.StartsWith("Sse.TypeScript:", arguments[0], StringComparison.Ordinal);
        return (arguments[0]["Sse.TypeScript:".Length..], arguments[1]);
    }
}

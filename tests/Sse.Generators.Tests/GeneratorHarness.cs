using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Sse.Generators.Diagnostics;
using Sse.Tests;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>Drives <see cref="SseGenerator"/> (and the System.Text.Json generator, as a real build does) over source text.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> AllReferences = new(LoadReferences);
    private static readonly Lazy<ISourceGenerator?> JsonGenerator = new(LoadJsonGenerator);

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Which runtime assemblies the compilation references, which decides what the generator emits.</summary>
    public enum Runtimes
    {
        ServerAndClient,
        ClientOnly,
        ContractsOnly,
    }

    public static CSharpCompilation CreateCompilation(string source, Runtimes runtimes = Runtimes.ServerAndClient, string assemblyName = "TestContracts") =>
        CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Contract.cs")],
            References(runtimes),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>Adds <c>[assembly: SseClient(typeof(T))]</c> for the contract in <paramref name="source"/>, in a file of its own.</summary>
    public static CSharpCompilation WithClientRequest(CSharpCompilation compilation, string source) =>
        compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(TestSources.ClientRequestFor(source), ParseOptions, path: "ClientRequest.cs"));

    public static IEnumerable<MetadataReference> References(Runtimes runtimes)
    {
        foreach (var reference in AllReferences.Value)
        {
            var name = Path.GetFileNameWithoutExtension(reference.Display);
            var excluded = runtimes switch
            {
                Runtimes.ClientOnly => name is "Sse.Runtime.AspNetCore" || name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal),
                Runtimes.ContractsOnly => name is "Sse.Runtime.AspNetCore" or "Sse.Runtime",
                _ => false,
            };
            if (!excluded)
            {
                yield return reference;
            }
        }
    }

    public static GeneratorDriver CreateDriver(bool withJsonGenerator = true, IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var generators = new List<ISourceGenerator> { new SseGenerator().AsSourceGenerator() };
        if (withJsonGenerator && JsonGenerator.Value is { } json)
        {
            generators.Add(json);
        }

        return CSharpGeneratorDriver.Create(
            generators,
            parseOptions: ParseOptions,
            optionsProvider: new BuildProperties(buildProperties ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>MSBuild properties as the generator sees them (<c>build_property.{name}</c>).</summary>
    private sealed class BuildProperties(IReadOnlyDictionary<string, string> properties) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(properties.ToDictionary(static p => "build_property." + p.Key, static p => p.Value));

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions => _global;

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public static readonly Options Empty = new([]);

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }

    /// <summary>Runs the generators; returns our generated files (hint name → text) and the updated compilation.</summary>
    public static (Dictionary<string, string> Files, Compilation Output, GeneratorDriver Driver) Run(CSharpCompilation compilation, IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var driver = CreateDriver(buildProperties: buildProperties).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning));
        var files = driver.GetRunResult().Results
            .Where(static r => r.Generator.GetGeneratorType() == typeof(SseGenerator))
            .SelectMany(static r => r.GeneratedSources)
            .ToDictionary(static s => s.HintName, static s => s.SourceText.ToString());
        return (files, output, driver);
    }

    /// <summary>Compile errors and warnings of the generated output, with nullable warnings as errors.</summary>
    public static ImmutableArray<Diagnostic> CompileDiagnostics(Compilation output) =>
        output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source)
    {
        var compilation = CreateCompilation(source);
        var analyzed = compilation.WithAnalyzers([new SseContractAnalyzer()]);
        return await analyzed.GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>Compares <paramref name="actual"/> with the snapshot file; rewrites it when SSE_UPDATE_SNAPSHOTS=1.</summary>
    public static void MatchSnapshot(string name, string actual)
    {
        var path = RepoPaths.File(Path.Combine("tests", "Sse.Generators.Tests", "Snapshots", name));
        // The generator's version changes with every release; the snapshot holds a placeholder.
        var version = typeof(SseGenerator).Assembly.GetName().Version!.ToString();
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal).Replace($"\"Sse.Generators\", \"{version}\"", "\"Sse.Generators\", \"{version}\"", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("SSE_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Snapshot '{name}' does not exist. Run the tests with SSE_UPDATE_SNAPSHOTS=1 to create it, then review it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            File.WriteAllText(path + ".received.cs", actual);
            Assert.Fail($"Generated output differs from snapshot '{name}'. The new output is in '{path}.received.cs'; if the change is intended, rerun with SSE_UPDATE_SNAPSHOTS=1.\n{FirstDifference(expected, actual)}");
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end>";
            var a = i < actualLines.Length ? actualLines[i] : "<end>";
            if (e != a)
            {
                return $"Line {i + 1}:\n  expected: {e}\n  actual:   {a}";
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// .NET's reference assemblies (Basic.Reference.Assemblies), ASP.NET Core's (its reference pack, a package the
    /// project downloads) and our own assemblies: the same inputs whatever runtime runs the tests.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var aspNetCore = Metadata("AspNetCoreReferences");
        Assert.True(Directory.Exists(aspNetCore), $"ASP.NET Core's reference assemblies are not at '{aspNetCore}'; restore the test project.");
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
        references.AddRange(Directory.GetFiles(aspNetCore, "*.dll").Order(StringComparer.Ordinal).Select(static p => MetadataReference.CreateFromFile(p)));
        references.Add(MetadataReference.CreateFromFile(typeof(Sse.Contracts.SseStreamAttribute).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Sse.Runtime.Infrastructure.SseStreamReader).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Sse.Runtime.AspNetCore.Infrastructure.SseEndpoint).Assembly.Location));
        return [.. references];
    }

    private static string Metadata(string key) =>
        typeof(GeneratorHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>The System.Text.Json source generator from its package, as a build with that version would run it.</summary>
    private static ISourceGenerator? LoadJsonGenerator()
    {
        var path = Metadata("JsonGenerator");
        Assert.True(File.Exists(path), $"The System.Text.Json source generator is not at '{path}'; restore the test project.");
        var assembly = Assembly.LoadFrom(path);
        var type = assembly.GetTypes().First(static t => t.Name == "JsonSourceGenerator");
        var instance = Activator.CreateInstance(type)!;
        return instance is IIncrementalGenerator incremental ? incremental.AsSourceGenerator() : (ISourceGenerator)instance;
    }
}

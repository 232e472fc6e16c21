using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sse.Generators.Model;
using Sse.Generators.Parsing;
using Xunit;

namespace Sse.Generators.Tests;

public class IncrementalTests
{
    private static readonly string[] TrackedSteps = [TrackingNames.Contracts, TrackingNames.Requests, TrackingNames.LocalContracts];

    [Fact]
    public void AddUnrelatedType_DoesNotRegenerate()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.AllShapes);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { public int X; }", GeneratorHarness.ParseOptions));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step '{step}' output was {output.Reason}"));
        }

        var sourceOutputs = result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(sourceOutputs);
        Assert.All(sourceOutputs, output =>
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output was {output.Reason}"));
    }

    [Fact]
    public void CloneCompilation_AllStepsCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Basic);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);
        var result = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output =>
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Step '{step}' output was {output.Reason}"));
        }
    }

    [Fact]
    public void AddMethod_RegeneratesTheContract()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Basic);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var newSource = tree.ToString().Replace(
            "    /// <summary>Streams prices.</summary>",
            "    IAsyncEnumerable<PriceTick> Latest(CancellationToken cancellationToken = default);\n\n    /// <summary>Streams prices.</summary>",
            StringComparison.Ordinal);
        Assert.NotEqual(tree.ToString(), newSource);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var contractOutputs = result.TrackedSteps[TrackingNames.Contracts].SelectMany(static s => s.Outputs).ToList();
        Assert.Contains(contractOutputs, static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.GeneratedSources, static s => s.SourceText.ToString().Contains("Latest(", StringComparison.Ordinal));
    }

    [Fact]
    public void AddClientRequest_AddsTheClientPartOnly()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Basic);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);
        Assert.Equal(2, driver.GetRunResult().GeneratedTrees.Length);

        var edited = GeneratorHarness.WithClientRequest(compilation, TestSources.Basic);
        var result = driver.RunGenerators(edited).GetRunResult();

        Assert.Equal(3, result.GeneratedTrees.Length);
        Assert.Contains(result.GeneratedTrees, static t => t.FilePath.EndsWith("Demo.Feeds.IStockFeed.Client.g.cs", StringComparison.Ordinal));
        var contracts = result.Results.Single().TrackedSteps[TrackingNames.Contracts].SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(contracts);
        Assert.All(contracts, static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"The contract was reparsed: {o.Reason}"));
    }

    [Fact]
    public void AddDerivedEventTypeInAnotherFile_Regenerates()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Design);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);
        Assert.DoesNotContain(driver.GetRunResult().GeneratedTrees, static t => t.ToString().Contains("\"resumed\"", StringComparison.Ordinal));

        // A new derived event type (and its JSON metadata), in a file of its own: the contract's file does not change.
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(TestSources.Usings + """
            namespace Demo.Stocks;
            [SseEvent("resumed")] public sealed record Resumed(long Seq) : MarketEvent(Seq);
            [JsonSerializable(typeof(Resumed))] public partial class StockJson;
            """, GeneratorHarness.ParseOptions, path: "Resumed.cs"));
        var result = driver.RunGenerators(edited).GetRunResult();

        Assert.Contains(result.GeneratedTrees, static t => t.ToString().Contains("case \"resumed\":", StringComparison.Ordinal));
    }

    /// <summary>The item type with one more property: the C# the generator writes does not depend on it, its TypeScript does.</summary>
    private static CSharpCompilation WithItemPropertyAdded(CSharpCompilation compilation)
    {
        var tree = compilation.SyntaxTrees.Single();
        var newSource = tree.ToString().Replace("decimal Price,", "decimal Price, decimal Change,", StringComparison.Ordinal);
        Assert.NotEqual(tree.ToString(), newSource);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newSource, GeneratorHarness.ParseOptions, path: tree.FilePath));
    }

    [Fact]
    public void EditItemProperty_WithoutTypeScript_DoesNotRerunTheCSharpOutputs()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Basic);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation);
        var result = driver.RunGenerators(WithItemPropertyAdded(compilation)).GetRunResult().Results.Single();

        // The contract is parsed again (its file changed) into an equal model, so nothing downstream runs again.
        var contracts = result.TrackedSteps[TrackingNames.Contracts].SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(contracts);
        Assert.All(contracts, static o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        var sourceOutputs = result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(sourceOutputs);
        Assert.All(sourceOutputs, static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output was {o.Reason}"));

        // Nor does any TypeScript work happen where no TypeScript is asked for.
        Assert.False(result.TrackedSteps.TryGetValue(TrackingNames.TypeScriptClients, out var typeScript) && typeScript.SelectMany(static s => s.Outputs).Any());
    }

    [Fact]
    public void EditItemProperty_WithTypeScript_RegeneratesTheTypeScriptOnly()
    {
        var compilation = GeneratorHarness.CreateCompilation(TestSources.Basic);
        var driver = GeneratorHarness.CreateDriver(withJsonGenerator: false, buildProperties: new Dictionary<string, string> { ["SseTypeScriptOutput"] = "client" }).RunGenerators(compilation);
        Assert.DoesNotContain(driver.GetRunResult().GeneratedTrees, static t => t.ToString().Contains("Change: number", StringComparison.Ordinal));

        var run = driver.RunGenerators(WithItemPropertyAdded(compilation)).GetRunResult();
        var result = run.Results.Single();

        var typeScript = result.TrackedSteps[TrackingNames.TypeScriptClients].SelectMany(static s => s.Outputs).ToList();
        Assert.Contains(typeScript, static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(run.GeneratedTrees, static t => t.FilePath.EndsWith(".TypeScript.g.cs", StringComparison.Ordinal) && t.ToString().Contains("Change: number", StringComparison.Ordinal));

        // The C# outputs (those fed by the contracts' parts, not the TypeScript branch) are kept as they were.
        var csharp = result.TrackedOutputSteps.SelectMany(static s => s.Value)
            .Where(static step => step.Inputs.Any(static i => i.Source.Name == TrackingNames.LocalContracts))
            .SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(csharp);
        Assert.All(csharp, static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"A C# output was {o.Reason}"));
    }

    [Fact]
    public void PipelineOutputs_HoldNoRoslynObjects()
    {
        // A referenced contract too, so that every step of the pipeline has outputs to inspect.
        var library = GeneratorHarness.CreateCompilation(TestSources.Design, GeneratorHarness.Runtimes.ContractsOnly, assemblyName: "SharedContracts");
        var reference = GeneratorHarness.Run(library).Output.ToMetadataReference();
        var compilation = GeneratorHarness.CreateCompilation(TestSources.AllShapes)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("[assembly: Sse.Contracts.SseClient(typeof(Demo.Stocks.IStockFeed))]", GeneratorHarness.ParseOptions))
            .AddReferences(reference);
        var result = GeneratorHarness.CreateDriver(withJsonGenerator: false).RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.NotEmpty(result.TrackedSteps[TrackingNames.ReferencedContracts].SelectMany(static s => s.Outputs));
        string[] ours = [TrackingNames.Contracts, TrackingNames.ClientRequests, TrackingNames.ServerRequests, TrackingNames.Requests, TrackingNames.LocalContracts, TrackingNames.ReferencedContracts, TrackingNames.Capabilities];
        foreach (var step in result.TrackedSteps.Where(s => ours.Contains(s.Key)).SelectMany(static s => s.Value))
        {
            foreach (var (value, _) in step.Outputs)
            {
                AssertNoRoslynObjects(value, depth: 0);
            }
        }
    }

    [Fact]
    public void ParseTwice_ModelsAreEqual()
    {
        var first = Parse(TestSources.AllShapes);
        var second = Parse(TestSources.AllShapes);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal(4, first.Methods.Count);
    }

    [Fact]
    public void EveryModelType_HasValueEquality()
    {
        var modelTypes = typeof(ContractModel).Assembly.GetTypes()
            .Where(static t => t.Namespace == typeof(ContractModel).Namespace && !t.IsEnum && !t.IsAbstract && !t.Name.StartsWith('<') && t.Name != "IsExternalInit")
            .ToList();
        Assert.Contains(typeof(MethodModel), modelTypes);

        foreach (var type in modelTypes)
        {
            var equatable = type.IsGenericTypeDefinition
                ? type.GetInterfaces().Any(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>))
                : typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type);
            Assert.True(equatable || type.IsSealed && type.IsAbstract, $"{type.Name} has no value equality.");

            // Every field is a string, bool, enum, or another equatable model: nothing compared by reference.
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
            {
                var fieldType = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
                Assert.True(
                    fieldType == typeof(string) || fieldType.IsPrimitive || fieldType.IsEnum || fieldType.IsGenericParameter
                    || fieldType.Namespace == typeof(ContractModel).Namespace || fieldType.Name.StartsWith("ImmutableArray", StringComparison.Ordinal) && type.Name.StartsWith("EquatableArray", StringComparison.Ordinal),
                    $"{type.Name}.{field.Name} is a {fieldType.Name}, which has no value equality.");
            }
        }
    }

    private static ContractModel Parse(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var contract = compilation.GetSymbolsWithName(static n => n.StartsWith('I'), SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Single(static t => t.GetAttributes().Any(static a => a.AttributeClass?.Name == "SseStreamAttribute"));
        var sink = DiagnosticSink.ForAnalyzer();
        var model = ContractParser.Parse(contract, contract.GetAttributes().Single(), KnownSymbols.For(compilation), sink, default);
        Assert.Empty(sink.Diagnostics);
        return model!;
    }

    private static void AssertNoRoslynObjects(object? value, int depth)
    {
        if (value is null || depth > 8 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or Location, $"A pipeline output holds a {value.GetType().Name}.");
        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertNoRoslynObjects(item, depth + 1);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                AssertNoRoslynObjects(property.GetValue(value), depth + 1);
            }
        }
    }
}

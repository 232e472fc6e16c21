using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Sse.Generators.Diagnostics;
using Sse.Tests;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>The documentation the generator owns: a page per diagnostic, the index, and the README's first example.</summary>
public partial class DocumentationTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(static f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(static f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void EveryDiagnostic_HasAPage_TitledAsItsDescriptor_AndItsHelpLink()
    {
        Assert.True(Descriptors.Length >= 30, "The descriptors were not found.");
        foreach (var descriptor in Descriptors)
        {
            var path = RepoPaths.File(Path.Combine("docs", "diagnostics", descriptor.Id + ".md"));
            Assert.True(File.Exists(path), $"{descriptor.Id} has no page.");
            var lines = File.ReadAllLines(path);
            Assert.Equal($"# {descriptor.Id}: {descriptor.Title}", lines[0]);
            var severity = descriptor.DefaultSeverity == DiagnosticSeverity.Error ? "error" : "warning";
            Assert.StartsWith($"Severity: {severity}.", lines.First(static l => l.StartsWith("Severity:", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.EndsWith($"/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }

        // And no page for an id that no longer exists.
        var pages = Directory.GetFiles(RepoPaths.File(Path.Combine("docs", "diagnostics")), "SSE*.md").Select(Path.GetFileNameWithoutExtension);
        Assert.Empty(pages.Except(Descriptors.Select(static d => d.Id)));
    }

    [Fact]
    public void DiagnosticsIndex_ListsEveryId_WithItsTitle()
    {
        var index = File.ReadAllText(RepoPaths.File(Path.Combine("docs", "diagnostics", "README.md")));
        foreach (var descriptor in Descriptors)
        {
            Assert.Contains($"| [{descriptor.Id}]({descriptor.Id}.md) |", index, StringComparison.Ordinal);
            Assert.Contains(descriptor.Title.ToString().Replace("|", "\\|", StringComparison.Ordinal) + " |", index, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The README's "A first contract": its contract, its server's <c>Program.cs</c> and its client lines, compiled with
    /// the generator as one web app (the Web SDK's implicit usings; the client part asked for, as the text says).
    /// </summary>
    [Fact]
    public void ReadmeExample_CompilesWithTheGenerator()
    {
        var readme = File.ReadAllText(RepoPaths.File("README.md"));
        var section = readme[readme.IndexOf("## A first contract", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var blocks = CodeBlock().Matches(section).Select(static m => m.Groups[1].Value).ToList();
        Assert.Equal(3, blocks.Count);
        var (contract, program, client) = (blocks[0], blocks[1], blocks[2]);

        const string ImplicitUsings = """
            global using System;
            global using System.Collections.Generic;
            global using System.IO;
            global using System.Linq;
            global using System.Net.Http;
            global using System.Threading;
            global using System.Threading.Tasks;
            global using Microsoft.AspNetCore.Builder;
            global using Microsoft.AspNetCore.Hosting;
            global using Microsoft.AspNetCore.Http;
            global using Microsoft.AspNetCore.Routing;
            global using Microsoft.Extensions.Configuration;
            global using Microsoft.Extensions.DependencyInjection;
            global using Microsoft.Extensions.Hosting;
            global using Microsoft.Extensions.Logging;
            [assembly: Sse.Contracts.SseClient(typeof(IStockFeed))]
            """;
        var clientFile = $$"""
            internal static class ClientExample
            {
                internal static async Task RunAsync(IServiceCollection services, IStockFeed feed, CancellationToken cancellationToken)
                {
            {{client}}
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "ReadmeExample",
            [
                CSharpSyntaxTree.ParseText(program, GeneratorHarness.ParseOptions, path: "Program.cs"),
                CSharpSyntaxTree.ParseText(contract, GeneratorHarness.ParseOptions, path: "Contract.cs"),
                CSharpSyntaxTree.ParseText(clientFile, GeneratorHarness.ParseOptions, path: "Client.cs"),
                CSharpSyntaxTree.ParseText(ImplicitUsings, GeneratorHarness.ParseOptions, path: "GlobalUsings.cs"),
            ],
            GeneratorHarness.References(GeneratorHarness.Runtimes.ServerAndClient),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var (files, output, _) = GeneratorHarness.Run(compilation);

        Assert.Contains(files.Keys, static k => k.EndsWith("IStockFeed.Server.g.cs", StringComparison.Ordinal));
        Assert.Contains(files.Keys, static k => k.EndsWith("IStockFeed.Client.g.cs", StringComparison.Ordinal));
        var problems = GeneratorHarness.CompileDiagnostics(output).Where(static d => d.Id != "CS8019").ToList();
        Assert.True(problems.Count == 0, "The README's example does not compile:\n" + string.Join("\n", problems));
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}

using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Sse.Generators.Tests;

/// <summary>
/// Runs <see cref="SseContractAnalyzer"/> with Microsoft.CodeAnalysis.Analyzer.Testing: the expected diagnostics, by id,
/// exact span (markup) and arguments, and nothing else. Compiler diagnostics are not compared: the sources leave the JSON
/// contexts to the System.Text.Json generator, which the analyzer test does not run.
/// </summary>
internal static class AnalyzerVerifier
{
    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<SseContractAnalyzer, DefaultVerifier>
        {
            TestCode = markup,
            CompilerDiagnostics = CompilerDiagnostics.None,
            // The same pinned references as every other compilation of these tests; nothing is downloaded.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References(GeneratorHarness.Runtimes.ServerAndClient));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Sse.Generators.Parsing;

/// <summary>
/// Where the parser's rules report. The analyzer's sink collects diagnostics with their locations; the
/// generator's sink only remembers that an error occurred (a contract with an error gets no generated code),
/// so parsing for generation creates no <see cref="Diagnostic"/> objects.
/// </summary>
internal sealed class DiagnosticSink
{
    private readonly List<Diagnostic>? _diagnostics;

    private DiagnosticSink(List<Diagnostic>? diagnostics) => _diagnostics = diagnostics;

    public bool HasErrors { get; private set; }

    public IReadOnlyList<Diagnostic> Diagnostics => (IReadOnlyList<Diagnostic>?)_diagnostics ?? System.Array.Empty<Diagnostic>();

    public static DiagnosticSink ForGenerator() => new(null);

    public static DiagnosticSink ForAnalyzer() => new(new List<Diagnostic>());

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            HasErrors = true;
        }

        _diagnostics?.Add(Diagnostic.Create(descriptor, location, args));
    }
}

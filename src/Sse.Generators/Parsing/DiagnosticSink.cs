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
    private readonly Location? _locationOverride;

    private DiagnosticSink(List<Diagnostic>? diagnostics, Location? locationOverride)
    {
        _diagnostics = diagnostics;
        _locationOverride = locationOverride;
    }

    public bool HasErrors { get; private set; }

    public IReadOnlyList<Diagnostic> Diagnostics => (IReadOnlyList<Diagnostic>?)_diagnostics ?? System.Array.Empty<Diagnostic>();

    public static DiagnosticSink ForGenerator() => new(null, null);

    /// <summary>A sink that collects diagnostics; with <paramref name="locationOverride"/>, all at that location (for a contract from another assembly, the attribute that asked for it).</summary>
    public static DiagnosticSink ForAnalyzer(Location? locationOverride = null) => new(new List<Diagnostic>(), locationOverride);

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            HasErrors = true;
        }

        _diagnostics?.Add(Diagnostic.Create(descriptor, _locationOverride ?? location, args));
    }
}

using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Sse.Generators.Parsing;

/// <summary>
/// Where the parser's rules report. The analyzer's sink collects diagnostics with their locations; the
/// generator's sink only counts errors (a contract with an error gets no generated code), so parsing for
/// generation creates no <see cref="Diagnostic"/> objects.
/// </summary>
internal sealed class DiagnosticSink
{
    private readonly List<Diagnostic>? _diagnostics;
    private readonly HashSet<(string Id, Location? Location, string Message)>? _seen;
    private readonly Location? _locationOverride;

    private DiagnosticSink(List<Diagnostic>? diagnostics, Location? locationOverride)
    {
        _diagnostics = diagnostics;
        _seen = diagnostics is null ? null : new();
        _locationOverride = locationOverride;
    }

    /// <summary>The number of errors reported so far; a method or contract compares it before and after its own rules.</summary>
    public int ErrorCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    public IReadOnlyList<Diagnostic> Diagnostics => (IReadOnlyList<Diagnostic>?)_diagnostics ?? System.Array.Empty<Diagnostic>();

    public static DiagnosticSink ForGenerator() => new(null, null);

    /// <summary>A sink that collects diagnostics; with <paramref name="locationOverride"/>, all at that location (for a contract from another assembly, the attribute that asked for it).</summary>
    public static DiagnosticSink ForAnalyzer(Location? locationOverride = null) => new(new List<Diagnostic>(), locationOverride);

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            ErrorCount++;
        }

        if (_diagnostics is null)
        {
            return;
        }

        // One item type streamed by two methods is checked twice; its problem is reported once.
        var diagnostic = Diagnostic.Create(descriptor, _locationOverride ?? location, args);
        if (_seen!.Add((descriptor.Id, diagnostic.Location, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture))))
        {
            _diagnostics.Add(diagnostic);
        }
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Sse.Generators.Parsing;

namespace Sse.Generators.Diagnostics;

/// <summary>
/// Reports the contract rules at their real locations (so <c>#pragma warning disable</c> and .editorconfig work),
/// by running the same parser the generator runs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SseContractAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.MustReturnAsyncEnumerable,
        DiagnosticDescriptors.GenericNotSupported,
        DiagnosticDescriptors.MissingJsonContext,
        DiagnosticDescriptors.InvalidJsonContext,
        DiagnosticDescriptors.InaccessibleContract,
        DiagnosticDescriptors.UnsupportedMember,
        DiagnosticDescriptors.ConflictingHttpAttributes,
        DiagnosticDescriptors.InheritedInterface,
        DiagnosticDescriptors.UnsupportedParameterType,
        DiagnosticDescriptors.UnknownRouteParameter,
        DiagnosticDescriptors.InvalidRouteTemplate,
        DiagnosticDescriptors.DuplicateRoute,
        DiagnosticDescriptors.UnsupportedParameterModifier,
        DiagnosticDescriptors.ItemTypeNotInJsonContext,
        DiagnosticDescriptors.InvalidEventName);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Interface)
        {
            return;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != ContractParser.StreamAttributeName)
            {
                continue;
            }

            var sink = DiagnosticSink.ForAnalyzer();
            ContractParser.Parse(type, attribute, sink, context.CancellationToken);
            foreach (var diagnostic in sink.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }

            return;
        }
    }
}

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
        DiagnosticDescriptors.NotAContract,
        DiagnosticDescriptors.JsonContextInaccessible,
        DiagnosticDescriptors.UnsupportedParameterType,
        DiagnosticDescriptors.UnknownRouteParameter,
        DiagnosticDescriptors.InvalidRouteTemplate,
        DiagnosticDescriptors.DuplicateRoute,
        DiagnosticDescriptors.UnsupportedParameterModifier,
        DiagnosticDescriptors.BodyOnGet,
        DiagnosticDescriptors.TwoBodies,
        DiagnosticDescriptors.LastEventIdNotString,
        DiagnosticDescriptors.InvalidHeaderName,
        DiagnosticDescriptors.ItemTypeNotInJsonContext,
        DiagnosticDescriptors.InvalidEventName,
        DiagnosticDescriptors.DuplicateEventName);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        context.RegisterCompilationAction(AnalyzeAssemblyAttributes);
    }

    /// <summary>[assembly: SseClient/SseServer(typeof(T))]: T must be a contract, and its rules hold from this project.</summary>
    private static void AnalyzeAssemblyAttributes(CompilationAnalysisContext context)
    {
        foreach (var attribute in context.Compilation.Assembly.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            if (name is not (ReferencedContractParser.ClientAttributeName or ReferencedContractParser.ServerAttributeName))
            {
                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation();
            var named = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as ITypeSymbol : null;
            if (named is INamedTypeSymbol type && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, context.Compilation.Assembly) && IsContract(type))
            {
                continue; // Declared here: generated (and checked) from its own [SseStream].
            }

            var resolved = ReferencedContractParser.Resolve(attribute, context.Compilation);
            if (resolved is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotAContract, location, named?.ToDisplayString() ?? "null", attribute.AttributeClass!.Name.Replace("Attribute", string.Empty)));
                continue;
            }

            // Every rule about the referenced contract is reported at the attribute that asked for it.
            var sink = DiagnosticSink.ForAnalyzer(location);
            var parts = name == ReferencedContractParser.ClientAttributeName ? Model.GeneratedParts.Client : Model.GeneratedParts.Server;
            ContractParser.Parse(resolved.Value.Contract, resolved.Value.StreamAttribute, sink, context.CancellationToken, parts, (context.Compilation, location));
            foreach (var diagnostic in sink.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static bool IsContract(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == ContractParser.StreamAttributeName)
            {
                return true;
            }
        }

        return false;
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

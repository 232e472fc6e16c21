using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators;

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
        DiagnosticDescriptors.OverloadedMethod,
        DiagnosticDescriptors.ReferencedContractNotGenerated,
        DiagnosticDescriptors.GeneratedNameTaken,
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
        DiagnosticDescriptors.DuplicateEventName,
        DiagnosticDescriptors.InvalidEventIdType,
        DiagnosticDescriptors.TwoEventIds,
        DiagnosticDescriptors.TopicTemplateUnknownParameter,
        DiagnosticDescriptors.InvalidTopicTemplate,
        DiagnosticDescriptors.NotATopicMethod,
        DiagnosticDescriptors.NotARunMethod,
        DiagnosticDescriptors.TopicParameterUnused,
        DiagnosticDescriptors.CommandParameterNotSupported);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeGeneratedNameTaken, SymbolKind.NamedType);
        context.RegisterCompilationStartAction(static start =>
        {
            // The types the rules recognise, found once per compilation (and shared with the generator's parse).
            var known = KnownSymbols.For(start.Compilation);
            if (known.SseStreamAttribute is null)
            {
                return; // Sse.Contracts is not referenced: nothing here is a contract.
            }

            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, known), SymbolKind.NamedType);

            // A class implementing a contract from another assembly, in a server project that does not generate that
            // contract's endpoints: MapXxx() would be a bare CS1061, so say what is missing where it can be seen.
            if (Capabilities.From(start.Compilation).HasServerRuntime)
            {
                var requested = ServerRequests(start.Compilation, known);
                start.RegisterSymbolAction(symbol => AnalyzeImplementation(symbol, requested, known), SymbolKind.NamedType);
            }
        });
        context.RegisterCompilationAction(static compilation => AnalyzeAssemblyAttributes(compilation, KnownSymbols.For(compilation.Compilation)));
    }

    /// <summary>[assembly: SseClient/SseServer(typeof(T))]: T must be a contract, and its rules hold from this project.</summary>
    private static void AnalyzeAssemblyAttributes(CompilationAnalysisContext context, KnownSymbols known)
    {
        foreach (var attribute in context.Compilation.Assembly.GetAttributes())
        {
            if (!KnownSymbols.Is(attribute, known.SseClientAttribute) && !KnownSymbols.Is(attribute, known.SseServerAttribute))
            {
                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation();
            var named = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as ITypeSymbol : null;
            if (named is not INamedTypeSymbol { TypeKind: TypeKind.Interface } contract || KnownSymbols.Find(contract, known.SseStreamAttribute) is not { } streamAttribute)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotAContract, location, named?.ToDisplayString() ?? "null", attribute.AttributeClass!.Name.Replace("Attribute", string.Empty)));
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(contract.ContainingAssembly, context.Compilation.Assembly))
            {
                continue; // Declared here: checked from its own [SseStream].
            }

            // Every rule about the referenced contract is reported at the attribute that asked for it.
            var sink = DiagnosticSink.ForAnalyzer(location);
            ContractParser.Parse(contract, streamAttribute, known, sink, context.CancellationToken, (context.Compilation, location));
            foreach (var diagnostic in sink.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }
        }
    }

    /// <summary>
    /// A type of the user's with the name of one the generator wrote next to a contract (<c>ChatClient</c> beside
    /// <c>IChat</c>): said at the user's type, instead of a bare CS0101 in generated code.
    /// </summary>
    private static void AnalyzeGeneratedNameTaken(SymbolAnalysisContext context)
    {
        if (context.Symbol is not INamedTypeSymbol { ContainingType: null } type)
        {
            return;
        }

        var own = type.DeclaringSyntaxReferences.FirstOrDefault(static r => !IsGenerated(r.SyntaxTree));
        if (own is null
            || own.GetSyntax(context.CancellationToken) is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(static m => m.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.PartialKeyword)))
        {
            return; // A partial declaration extends the generated type (the client is partial for that).
        }

        // The compiler may keep the two declarations as one symbol or as two of the same name.
        var generated = type.DeclaringSyntaxReferences.Concat(
                type.ContainingNamespace.GetTypeMembers(type.Name, type.Arity)
                    .Where(other => !SymbolEqualityComparer.Default.Equals(other, type))
                    .SelectMany(static other => other.DeclaringSyntaxReferences))
            .FirstOrDefault(static r => IsGenerated(r.SyntaxTree));
        if (generated is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.GeneratedNameTaken,
                Location.Create(own.SyntaxTree, own.Span),
                type.Name,
                System.IO.Path.GetFileName(generated.SyntaxTree.FilePath)));
        }
    }

    /// <summary>Whether a syntax tree is one this generator added (its hint names end in <c>.g.cs</c> under its own folder).</summary>
    private static bool IsGenerated(SyntaxTree tree) =>
        tree.FilePath.Replace('\\', '/').Contains("/" + typeof(SseGenerator).FullName + "/");

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } type || KnownSymbols.Find(type, known.SseStreamAttribute) is not { } attribute)
        {
            return;
        }

        var sink = DiagnosticSink.ForAnalyzer();
        ContractParser.Parse(type, attribute, known, sink, context.CancellationToken);
        foreach (var diagnostic in sink.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    private static void AnalyzeImplementation(SymbolAnalysisContext context, ImmutableHashSet<ISymbol> requested, KnownSymbols known)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type)
        {
            return;
        }

        foreach (var implemented in type.Interfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.ContainingAssembly, context.Compilation.Assembly)
                || requested.Contains(implemented)
                || !KnownSymbols.Has(implemented, known.SseStreamAttribute))
            {
                continue;
            }

            foreach (var location in type.Locations)
            {
                if (location.IsInSource)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.ReferencedContractNotGenerated,
                        location,
                        type.Name,
                        implemented.Name,
                        implemented.ContainingAssembly.Name,
                        ContractParser.ContractName(implemented.Name)));
                    break;
                }
            }
        }
    }

    /// <summary>The contracts named by <c>[assembly: SseServer(typeof(T))]</c>.</summary>
    private static ImmutableHashSet<ISymbol> ServerRequests(Compilation compilation, KnownSymbols known)
    {
        var builder = ImmutableHashSet.CreateBuilder<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            if (KnownSymbols.Is(attribute, known.SseServerAttribute)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is INamedTypeSymbol contract)
            {
                builder.Add(contract);
            }
        }

        return builder.ToImmutable();
    }
}

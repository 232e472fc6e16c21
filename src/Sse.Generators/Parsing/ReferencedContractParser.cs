using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Reads <c>[assembly: SseClient(typeof(IFeed))]</c> and <c>[assembly: SseServer(typeof(IFeed))]</c>: contracts declared in
/// a referenced assembly (a shared contracts library) whose client or server part this project generates.
/// </summary>
internal static class ReferencedContractParser
{
    public const string ClientAttributeName = "Sse.Contracts.SseClientAttribute";
    public const string ServerAttributeName = "Sse.Contracts.SseServerAttribute";

    public static EquatableArray<ContractModel> Parse(GeneratorAttributeSyntaxContext context, GeneratedParts parts, CancellationToken cancellationToken)
    {
        var compilation = context.SemanticModel.Compilation;
        var models = new List<ContractModel>();
        foreach (var attribute in context.Attributes)
        {
            if (Resolve(attribute, compilation) is not { } resolved)
            {
                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            var model = ContractParser.Parse(resolved.Contract, resolved.StreamAttribute, DiagnosticSink.ForGenerator(), cancellationToken, parts, (compilation, location));
            if (model is not null)
            {
                models.Add(model);
            }
        }

        return models.ToEquatableArray();
    }

    /// <summary>The contract an assembly attribute names, or <see langword="null"/> when it names no <c>[SseStream]</c> interface from another assembly.</summary>
    public static (INamedTypeSymbol Contract, AttributeData StreamAttribute)? Resolve(AttributeData attribute, Compilation compilation)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol { TypeKind: TypeKind.Interface } contract)
        {
            return null;
        }

        // A contract declared in this project is generated from its own [SseStream] already.
        if (SymbolEqualityComparer.Default.Equals(contract.ContainingAssembly, compilation.Assembly))
        {
            return null;
        }

        foreach (var candidate in contract.GetAttributes())
        {
            if (candidate.AttributeClass?.ToDisplayString() == ContractParser.StreamAttributeName)
            {
                return (contract, candidate);
            }
        }

        return null;
    }
}

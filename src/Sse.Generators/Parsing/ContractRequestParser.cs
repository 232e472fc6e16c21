using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Reads <c>[assembly: SseClient(typeof(IFeed))]</c> and <c>[assembly: SseServer(typeof(IFeed))]</c>: the parts of
/// contracts declared in referenced assemblies (a shared contracts library) that this project generates, and the
/// clients of its own contracts that a server project asks for.
/// </summary>
internal static class ContractRequestParser
{
    public const string ClientAttributeName = "Sse.Contracts.SseClientAttribute";
    public const string ServerAttributeName = "Sse.Contracts.SseServerAttribute";

    /// <summary>Parses the attributes of one compilation unit, all asking for <paramref name="parts"/>.</summary>
    public static ContractRequests Parse(GeneratorAttributeSyntaxContext context, GeneratedParts parts, CancellationToken cancellationToken)
    {
        var compilation = context.SemanticModel.Compilation;
        var known = KnownSymbols.For(compilation);
        var referenced = new List<ContractModel>();
        var local = new List<string>();
        foreach (var attribute in context.Attributes)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
                || KnownSymbols.Find(contract, known.SseStreamAttribute) is not { } streamAttribute)
            {
                continue; // SSE009, reported by the analyzer.
            }

            if (SymbolEqualityComparer.Default.Equals(contract.ContainingAssembly, compilation.Assembly))
            {
                // Declared here: generated from its own [SseStream]; asking for its client adds the client part.
                if (parts == GeneratedParts.Client)
                {
                    local.Add(TypeNames.Full(contract));
                }

                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            if (ContractParser.Parse(contract, streamAttribute, known, DiagnosticSink.ForGenerator(), cancellationToken, (compilation, location)) is { } model)
            {
                referenced.Add(model with { Parts = parts });
            }
        }

        return new ContractRequests(referenced.ToEquatableArray(), local.ToEquatableArray());
    }

    /// <summary>Merges every compilation unit's requests: one model per referenced contract, with every part asked for.</summary>
    public static ContractRequests Merge(ImmutableArray<ContractRequests> clients, ImmutableArray<ContractRequests> servers)
    {
        var byName = new Dictionary<string, ContractModel>(System.StringComparer.Ordinal);
        var order = new List<string>();
        var local = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (var requests in (IEnumerable<ContractRequests>)[.. clients, .. servers])
        {
            foreach (var model in requests.Referenced)
            {
                if (byName.TryGetValue(model.InterfaceFullName, out var existing))
                {
                    byName[model.InterfaceFullName] = existing with { Parts = existing.Parts | model.Parts };
                }
                else
                {
                    byName.Add(model.InterfaceFullName, model);
                    order.Add(model.InterfaceFullName);
                }
            }

            local.UnionWith(requests.LocalClients);
        }

        var merged = new List<ContractModel>(order.Count);
        foreach (var name in order)
        {
            merged.Add(byName[name]);
        }

        return new ContractRequests(merged.ToEquatableArray(), local.ToEquatableArray());
    }
}

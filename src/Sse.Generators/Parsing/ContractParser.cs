using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Turns an <c>[SseStream]</c> interface into a <see cref="ContractModel"/>. Every rule lives here: the generator
/// parses with a sink that only counts errors (and then generates nothing), the analyzer with one that reports.
/// </summary>
internal static class ContractParser
{
    public const string StreamAttributeName = "Sse.Contracts.SseStreamAttribute";

    public static ContractModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is INamedTypeSymbol contract && context.Attributes.Length > 0
            ? Parse(contract, context.Attributes[0], KnownSymbols.For(context.SemanticModel.Compilation), DiagnosticSink.ForGenerator(), cancellationToken)
            : null;

    /// <summary>Parses a contract.</summary>
    /// <param name="contract">The interface.</param>
    /// <param name="streamAttribute">Its <c>[SseStream]</c>.</param>
    /// <param name="known">The types the rules recognise, of the compilation generating the contract's code.</param>
    /// <param name="sink">Where rules report.</param>
    /// <param name="cancellationToken">Cancels parsing.</param>
    /// <param name="consumer">For a contract from a referenced assembly: the compilation generating its code, and where it asked.</param>
    /// <returns>The model, or <see langword="null"/> when the contract has an error.</returns>
    public static ContractModel? Parse(INamedTypeSymbol contract, AttributeData streamAttribute, KnownSymbols known, DiagnosticSink sink, CancellationToken cancellationToken, (Compilation Compilation, Location? Location)? consumer = null)
    {
        var location = consumer?.Location ?? contract.Locations.FirstOrDefault();
        var contractName = contract.Name;
        var errorsBefore = sink.ErrorCount;
        if (contract.IsGenericType)
        {
            sink.Report(DiagnosticDescriptors.GenericNotSupported, location, contractName);
        }

        var accessibility = EffectiveAccessibility(contract);
        if (consumer is { } c && !c.Compilation.IsSymbolAccessibleWithin(contract, c.Compilation.Assembly))
        {
            accessibility = null;
        }

        if (accessibility is null)
        {
            sink.Report(DiagnosticDescriptors.InaccessibleContract, location, contractName);
        }

        foreach (var inherited in contract.Interfaces)
        {
            sink.Report(DiagnosticDescriptors.InheritedInterface, location, contractName, TypeNames.Short(inherited));
        }

        var prefix = streamAttribute.ConstructorArguments.Length > 0 && streamAttribute.ConstructorArguments[0].Value is string p ? p : string.Empty;
        var jsonContext = ReadJsonContext(contract, streamAttribute, known, sink, cancellationToken);
        if (jsonContext is not null && consumer is { } user && !user.Compilation.IsSymbolAccessibleWithin(jsonContext, user.Compilation.Assembly))
        {
            sink.Report(DiagnosticDescriptors.JsonContextInaccessible, location, contractName, TypeNames.Short(jsonContext));
            jsonContext = null;
        }

        var methods = new List<MethodModel>();
        var routes = new Dictionary<string, MethodModel>();
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var derivedTypes = new DerivedTypeIndex();
        foreach (var member in contract.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsStatic || !member.IsAbstract)
            {
                continue;
            }

            if (member is not IMethodSymbol method)
            {
                sink.Report(DiagnosticDescriptors.UnsupportedMember, member.Locations.FirstOrDefault(), contractName + "." + member.Name);
                continue;
            }

            if (method.MethodKind != MethodKind.Ordinary)
            {
                continue;
            }

            // Each method is an endpoint named after it, so overloads would share a name (and an endpoint name).
            if (!names.Add(method.Name))
            {
                sink.Report(DiagnosticDescriptors.OverloadedMethod, method.Locations.FirstOrDefault(), contractName + "." + method.Name);
                continue;
            }

            var model = MethodParser.Parse(contract, method, prefix, jsonContext, derivedTypes, known, sink, cancellationToken);
            if (model is null)
            {
                continue;
            }

            var key = model.HttpMethod + " " + RouteTemplate.Shape(model.RouteParts);
            if (routes.TryGetValue(key, out var existing))
            {
                sink.Report(DiagnosticDescriptors.DuplicateRoute, method.Locations.FirstOrDefault(), contractName + "." + existing.Name, contractName + "." + model.Name, model.HttpMethod, model.FullRoute);
                continue;
            }

            routes.Add(key, model);
            methods.Add(model);
        }

        if (sink.ErrorCount != errorsBefore || accessibility is null || jsonContext is null)
        {
            return null;
        }

        var ns = contract.ContainingNamespace.IsGlobalNamespace ? string.Empty : contract.ContainingNamespace.ToDisplayString();
        return new ContractModel(
            ns,
            contractName,
            TypeNames.Full(contract),
            ContractName(contractName),
            accessibility,
            RouteTemplate.Normalize(prefix),
            TypeNames.Full(jsonContext),
            methods.ToEquatableArray(),
            TypeNames.Metadata(contract),
            TypeNames.Metadata(jsonContext));
    }

    private static INamedTypeSymbol? ReadJsonContext(INamedTypeSymbol contract, AttributeData attribute, KnownSymbols known, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? contract.Locations.FirstOrDefault();
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key != "JsonContext")
            {
                continue;
            }

            if (named.Value.Value is INamedTypeSymbol context && JsonContextReader.IsJsonContext(context, known))
            {
                return context;
            }

            sink.Report(DiagnosticDescriptors.InvalidJsonContext, location, contract.Name, named.Value.Value is ITypeSymbol t ? TypeNames.Short(t) : "null");
            return null;
        }

        sink.Report(DiagnosticDescriptors.MissingJsonContext, location, contract.Name);
        return null;
    }

    /// <summary>The accessibility the generated types get: <c>public</c>, <c>internal</c>, or <see langword="null"/> when the contract cannot be named from its namespace.</summary>
    private static string? EffectiveAccessibility(INamedTypeSymbol contract)
    {
        var result = "public";
        for (ISymbol? current = contract; current is INamedTypeSymbol type; current = type.ContainingType)
        {
            switch (type.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal:
                case Accessibility.ProtectedOrInternal:
                    result = "internal";
                    break;
                default:
                    return null;
            }
        }

        return result;
    }

    /// <summary><c>IStockFeed</c> gives <c>StockFeed</c>; a name without the <c>I</c> convention is kept.</summary>
    internal static string ContractName(string interfaceName) =>
        interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1]) ? interfaceName.Substring(1) : interfaceName;
}

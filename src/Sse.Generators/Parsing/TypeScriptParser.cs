using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// The TypeScript side of a contract, parsed only where a project asks for TypeScript clients (its own pipeline
/// branch): the types of each method's parameters, events and result, and the declarations they need, as the
/// contract's JSON context shapes them. It starts from the contract's model (already checked) and finds its symbols in
/// the compilation again.
/// </summary>
internal static class TypeScriptParser
{
    /// <summary>The TypeScript model of <paramref name="contract"/>, or <see langword="null"/> when its symbols are not found.</summary>
    public static TypeScriptModel? Parse(ContractModel contract, Compilation compilation, CancellationToken cancellationToken)
    {
        var symbol = compilation.GetTypeByMetadataName(contract.MetadataName);
        var jsonContext = compilation.GetTypeByMetadataName(contract.JsonContextMetadataName);
        if (symbol is null || jsonContext is null)
        {
            return null;
        }

        var known = KnownSymbols.For(compilation);
        var derivedTypes = new DerivedTypeIndex();

        // The names the emitter gives the client class and the event unions are not the contract types' to take.
        var mapper = new TypeScriptTypeMapper(jsonContext, known, [contract.Name + "Client", .. contract.Methods.Select(m => contract.Name + m.Name + "Event")]);
        var types = new List<TsMethodTypes>();
        foreach (var model in contract.Methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (symbol.GetMembers(model.Name).OfType<IMethodSymbol>().FirstOrDefault() is not { } method)
            {
                return null;
            }

            var parameters = method.Parameters
                .Where(p => !KnownSymbols.Is(p.Type, known.CancellationToken))
                .Select(p => new TsProperty(p.Name, mapper.Map(p.Type), IsOptional: false))
                .ToEquatableArray();

            var events = new List<TsEvent>();
            TsType? result = null;
            if (model.Item is { } item && StreamedType(method.ReturnType, known) is { } itemType)
            {
                foreach (var derived in item.Derived)
                {
                    var derivedSymbol = derivedTypes.DerivedFrom(itemType).Select(static d => d.Type).FirstOrDefault(t => TypeNames.Full(t) == derived.TypeFullName);
                    if (derivedSymbol is not null)
                    {
                        events.Add(new TsEvent(derived.EventType, mapper.Map(derivedSymbol.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), IsUnnamed: false));
                    }
                }

                // The item type's own event, unless it is only ever one of its derived types: an abstract base (or an
                // interface) listed in the JSON context is still never sent as itself.
                if (item.SendsItself)
                {
                    var data = item.IsText ? TsType.String : mapper.Map(itemType.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
                    events.Add(new TsEvent(item.EventType ?? "message", data, IsUnnamed: item.EventType is null));
                }
            }
            else if (method.ReturnType is INamedTypeSymbol { IsGenericType: true } task)
            {
                result = mapper.Map(task.TypeArguments[0]);
            }

            types.Add(new TsMethodTypes(model.Name, parameters, events.ToEquatableArray(), result));
        }

        return new TypeScriptModel(Naming.KebabCase(contract.Name) + ".ts", mapper.Declarations, types.ToEquatableArray());
    }

    /// <summary>The item type of <c>IAsyncEnumerable&lt;T&gt;</c> or <c>IAsyncEnumerable&lt;SseItem&lt;T&gt;&gt;</c>.</summary>
    private static ITypeSymbol? StreamedType(ITypeSymbol returnType, KnownSymbols known)
    {
        if (returnType is not INamedTypeSymbol { IsGenericType: true } enumerable)
        {
            return null;
        }

        var item = enumerable.TypeArguments[0];
        return item is INamedTypeSymbol { IsGenericType: true } sseItem && KnownSymbols.Is(sseItem, known.SseItem) ? sseItem.TypeArguments[0] : item;
    }
}

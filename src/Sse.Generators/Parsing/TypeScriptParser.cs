using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// The TypeScript side of a parsed contract: the types of each method's parameters, events and result, and the
/// declarations they need, as the contract's JSON context shapes them.
/// </summary>
internal static class TypeScriptParser
{
    /// <param name="name">The contract's name (<c>Chat</c>).</param>
    /// <param name="symbols">The contract's methods, in the order of <paramref name="methods"/>.</param>
    /// <param name="methods">Their models.</param>
    /// <param name="jsonContext">The contract's JSON context.</param>
    /// <param name="derivedTypes">The item types' derived types.</param>
    public static TypeScriptModel Parse(string name, IReadOnlyList<IMethodSymbol> symbols, IReadOnlyList<MethodModel> methods, INamedTypeSymbol jsonContext, DerivedTypeIndex derivedTypes)
    {
        // The names the emitter gives the client class and the event unions are not the contract types' to take.
        var mapper = new TypeScriptTypeMapper(jsonContext, [name + "Client", .. methods.Select(m => name + m.Name + "Event")]);
        var types = new List<TsMethodTypes>();
        for (var i = 0; i < methods.Count; i++)
        {
            var (model, method) = (methods[i], symbols[i]);

            var parameters = method.Parameters
                .Where(static p => p.Type.ToDisplayString() != "System.Threading.CancellationToken")
                .Select(p => new TsMember(p.Name, mapper.Map(p.Type), IsOptional: false))
                .ToEquatableArray();

            var events = new List<TsMember>();
            string? result = null;
            if (model.Item is { } item && StreamedType(method.ReturnType) is { } itemType)
            {
                foreach (var derived in item.Derived)
                {
                    var symbol = derivedTypes.DerivedFrom(itemType).Select(static d => d.Type).FirstOrDefault(t => TypeNames.Full(t) == derived.TypeFullName);
                    if (symbol is not null)
                    {
                        events.Add(new TsMember(derived.EventType, mapper.Map(symbol.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), IsOptional: false));
                    }
                }

                if (!item.IsPolymorphic || item.JsonTypeInfoProperty is not null)
                {
                    events.Add(new TsMember(item.EventType ?? string.Empty, item.IsText ? "string" : mapper.Map(itemType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), IsOptional: item.EventType is null));
                }
            }
            else if (method.ReturnType is INamedTypeSymbol { IsGenericType: true } task)
            {
                result = mapper.Map(task.TypeArguments[0]);
            }

            types.Add(new TsMethodTypes(model.Name, parameters, events.ToEquatableArray(), result));
        }

        return new TypeScriptModel(mapper.Declarations, types.ToEquatableArray());
    }

    /// <summary>The item type of <c>IAsyncEnumerable&lt;T&gt;</c> or <c>IAsyncEnumerable&lt;SseItem&lt;T&gt;&gt;</c>.</summary>
    private static ITypeSymbol? StreamedType(ITypeSymbol returnType)
    {
        if (returnType is not INamedTypeSymbol { IsGenericType: true } enumerable)
        {
            return null;
        }

        var item = enumerable.TypeArguments[0];
        return item is INamedTypeSymbol { IsGenericType: true } sseItem && sseItem.OriginalDefinition.ToDisplayString() == "System.Net.ServerSentEvents.SseItem<T>"
            ? sseItem.TypeArguments[0]
            : item;
    }
}

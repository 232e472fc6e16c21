using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Common;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Reads how a streamed type becomes events: its JSON metadata property, <c>[SseEvent]</c> name, <c>[SseEventId]</c>
/// property, and, for a polymorphic base type, the derived types that carry their own <c>[SseEvent]</c> names.
/// </summary>
internal static class ItemParser
{
    public static ItemModel? Parse(ITypeSymbol itemType, INamedTypeSymbol? jsonContext, string methodDisplayName, KnownSymbols known, DiagnosticSink sink, DerivedTypeIndex derivedTypes)
    {
        var isText = itemType.SpecialType == SpecialType.System_String;
        var errorsBefore = sink.ErrorCount;
        var eventType = ReadEventName(itemType, known, sink);
        var eventId = isText ? null : ReadEventId(itemType, known, sink);
        var derived = isText ? new List<(INamedTypeSymbol Type, string Name)>() : FindDerivedEvents(itemType, derivedTypes, known, sink);

        // Names must tell the types apart: the base's own name and each derived type's.
        var owners = new Dictionary<string, ITypeSymbol>(System.StringComparer.Ordinal);
        if (eventType is not null)
        {
            owners[eventType] = itemType;
        }

        foreach (var (type, name) in derived)
        {
            if (owners.TryGetValue(name, out var other))
            {
                sink.Report(DiagnosticDescriptors.DuplicateEventName, type.Locations.FirstOrDefault(), name, TypeNames.Short(other), TypeNames.Short(type));
            }
            else
            {
                owners[name] = type;
            }
        }

        string? property = null;
        var derivedModels = new List<DerivedEventModel>();
        if (jsonContext is not null && !isText)
        {
            // An abstract base is never serialized itself, so only its derived types need metadata.
            property = JsonContextReader.FindTypeInfoProperty(jsonContext, itemType, known);
            if (property is null && !(itemType.IsAbstract && derived.Count > 0))
            {
                sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(itemType), methodDisplayName);
            }

            foreach (var (type, name) in derived)
            {
                var derivedProperty = JsonContextReader.FindTypeInfoProperty(jsonContext, type, known);
                if (derivedProperty is null)
                {
                    sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(type), methodDisplayName);
                    continue;
                }

                derivedModels.Add(new DerivedEventModel(TypeNames.Full(type), name, derivedProperty, ReadEventId(type, known, sink)));
            }
        }

        if (jsonContext is null || sink.ErrorCount != errorsBefore)
        {
            return null;
        }

        return new ItemModel(
            TypeNames.Full(itemType),
            TypeNames.Short(itemType),
            property,
            eventType,
            eventId,
            isText,
            derivedModels.ToEquatableArray(),
            AlwaysDerived: derived.Count > 0 && (itemType.IsAbstract || itemType.TypeKind == TypeKind.Interface) && !HasUnnamedConcreteType(itemType, derivedTypes, known));
    }

    /// <summary>Derived types of <paramref name="baseType"/> in its own assembly that carry <c>[SseEvent]</c>, most derived first.</summary>
    private static List<(INamedTypeSymbol Type, string Name)> FindDerivedEvents(ITypeSymbol baseType, DerivedTypeIndex derivedTypes, KnownSymbols known, DiagnosticSink sink)
    {
        var result = new List<(INamedTypeSymbol Type, string Name, int Depth)>();
        if (baseType is INamedTypeSymbol { TypeKind: TypeKind.Class, IsSealed: false })
        {
            foreach (var (type, depth) in derivedTypes.DerivedFrom(baseType))
            {
                if (ReadEventName(type, known, sink) is { } name)
                {
                    result.Add((type, name, depth));
                }
            }
        }

        // Most derived first, so a type switch matches a derived type before its base.
        return result.OrderByDescending(static r => r.Depth).ThenBy(static r => r.Name, System.StringComparer.Ordinal).Select(static r => (r.Type, r.Name)).ToList();
    }

    /// <summary>Whether a concrete type of the base's assembly derives from it with no <c>[SseEvent]</c> on the way: it is sent as the base.</summary>
    private static bool HasUnnamedConcreteType(ITypeSymbol baseType, DerivedTypeIndex derivedTypes, KnownSymbols known)
    {
        foreach (var (type, _) in derivedTypes.DerivedFrom(baseType))
        {
            if (type.IsAbstract)
            {
                continue;
            }

            var named = false;
            for (ITypeSymbol? current = type; current is not null && !SymbolEqualityComparer.Default.Equals(current, baseType) && !named; current = current.BaseType)
            {
                named = KnownSymbols.Has(current, known.SseEventAttribute);
            }

            if (!named)
            {
                return true;
            }
        }

        return false;
    }

    private static string? ReadEventName(ITypeSymbol type, KnownSymbols known, DiagnosticSink sink)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (!KnownSymbols.Is(attribute, known.SseEventAttribute))
            {
                continue;
            }

            var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
            if (string.IsNullOrEmpty(name) || !SseProtocol.IsValidFieldValue(name!) || SseProtocol.IsReservedEventType(name!))
            {
                sink.Report(DiagnosticDescriptors.InvalidEventName, attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? type.Locations.FirstOrDefault(), TypeNames.Short(type), name ?? string.Empty, string.Join(", ", SseProtocol.ReservedEventTypes.Select(static r => "'" + r + "'")));
                return null;
            }

            return name;
        }

        return null;
    }

    /// <summary>
    /// The item type's <c>[SseEventId]</c> property (declared on it or a base type): at most one, of a type with a
    /// sensible text form, a <see cref="string"/> or an <c>IFormattable</c> (numbers, <c>Guid</c>, dates, enums).
    /// </summary>
    private static EventIdModel? ReadEventId(ITypeSymbol type, KnownSymbols known, DiagnosticSink sink)
    {
        IPropertySymbol? found = null;
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false } property
                    || !KnownSymbols.Has(property, known.SseEventIdAttribute))
                {
                    continue;
                }

                // An override of the property already found is the same id, not a second one.
                if (found is not null && !IsOverrideOf(found, property))
                {
                    sink.Report(DiagnosticDescriptors.TwoEventIds, property.Locations.FirstOrDefault(), TypeNames.Short(type), found.Name, property.Name);
                    return null;
                }

                found ??= property;
            }
        }

        if (found is null)
        {
            return null;
        }

        var propertyType = found.Type;
        var isNullableValue = propertyType.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var valueType = isNullableValue ? ((INamedTypeSymbol)propertyType).TypeArguments[0] : propertyType;
        var isNullable = isNullableValue || !propertyType.IsValueType;
        if (found.GetMethod is null)
        {
            sink.Report(DiagnosticDescriptors.InvalidEventIdType, found.Locations.FirstOrDefault(), TypeNames.Short(type) + "." + found.Name, TypeNames.Short(propertyType), "it has no getter");
            return null;
        }

        if (valueType.SpecialType == SpecialType.System_String)
        {
            return new EventIdModel(CSharpCode.Identifier(found.Name), EventIdKind.String, IsNullable: true);
        }

        if (KnownSymbols.Implements(valueType, known.Formattable))
        {
            var utf8 = !isNullable && KnownSymbols.Implements(valueType, known.Utf8SpanFormattable)
                ? TypeNames.Full(valueType)
                : null;
            return new EventIdModel(CSharpCode.Identifier(found.Name), EventIdKind.Formattable, isNullable, utf8);
        }

        sink.Report(DiagnosticDescriptors.InvalidEventIdType, found.Locations.FirstOrDefault(), TypeNames.Short(type) + "." + found.Name, TypeNames.Short(propertyType), "it has no text form; use a string, a number, a Guid, a date or an enum");
        return null;
    }

    private static bool IsOverrideOf(IPropertySymbol found, IPropertySymbol candidate)
    {
        for (var overridden = found.OverriddenProperty; overridden is not null; overridden = overridden.OverriddenProperty)
        {
            if (SymbolEqualityComparer.Default.Equals(overridden, candidate))
            {
                return true;
            }
        }

        return false;
    }
}

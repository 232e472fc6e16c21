using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Reads how a streamed type becomes events: its JSON metadata property, <c>[SseEvent]</c> name, <c>[SseEventId]</c>
/// property, and, for a polymorphic base type, the derived types that carry their own <c>[SseEvent]</c> names.
/// </summary>
internal static class ItemParser
{
    private const string EventAttributeName = "Sse.Contracts.SseEventAttribute";
    private const string EventIdAttributeName = "Sse.Contracts.SseEventIdAttribute";
    private static readonly char[] ForbiddenNameChars = { '\r', '\n', '\0' };

    public static ItemModel? Parse(ITypeSymbol itemType, INamedTypeSymbol? jsonContext, string methodDisplayName, DiagnosticSink sink, DerivedTypeIndex derivedTypes)
    {
        var isText = itemType.SpecialType == SpecialType.System_String;
        var errorsBefore = sink.HasErrors;
        var eventType = ReadEventName(itemType, sink);
        var derived = isText ? new List<(INamedTypeSymbol Type, string Name)>() : FindDerivedEvents(itemType, derivedTypes, sink);

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
            property = JsonContextReader.FindTypeInfoProperty(jsonContext, itemType);
            if (property is null && !(itemType.IsAbstract && derived.Count > 0))
            {
                sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(itemType), methodDisplayName);
            }

            foreach (var (type, name) in derived)
            {
                var derivedProperty = JsonContextReader.FindTypeInfoProperty(jsonContext, type);
                if (derivedProperty is null)
                {
                    sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(type), methodDisplayName);
                    continue;
                }

                derivedModels.Add(new DerivedEventModel(TypeNames.Full(type), name, derivedProperty, EventIdExpression(type, "value")));
            }
        }

        if (jsonContext is null || (!errorsBefore && sink.HasErrors))
        {
            return null;
        }

        return new ItemModel(
            TypeNames.Full(itemType),
            TypeNames.Short(itemType),
            property,
            eventType,
            isText ? null : EventIdExpression(itemType, "item"),
            isText,
            derivedModels.ToEquatableArray());
    }

    /// <summary>Derived types of <paramref name="baseType"/> in its own assembly that carry <c>[SseEvent]</c>, most derived first.</summary>
    private static List<(INamedTypeSymbol Type, string Name)> FindDerivedEvents(ITypeSymbol baseType, DerivedTypeIndex derivedTypes, DiagnosticSink sink)
    {
        var result = new List<(INamedTypeSymbol Type, string Name, int Depth)>();
        if (baseType is INamedTypeSymbol { TypeKind: TypeKind.Class, IsSealed: false })
        {
            foreach (var (type, depth) in derivedTypes.DerivedFrom(baseType))
            {
                if (ReadEventName(type, sink) is { } name)
                {
                    result.Add((type, name, depth));
                }
            }
        }

        // Most derived first, so a type switch matches a derived type before its base.
        return result.OrderByDescending(static r => r.Depth).ThenBy(static r => r.Name, System.StringComparer.Ordinal).Select(static r => (r.Type, r.Name)).ToList();
    }

    private static string? ReadEventName(ITypeSymbol type, DiagnosticSink sink)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != EventAttributeName)
            {
                continue;
            }

            var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
            if (string.IsNullOrEmpty(name) || name!.IndexOfAny(ForbiddenNameChars) >= 0 || name == "sse-error")
            {
                sink.Report(DiagnosticDescriptors.InvalidEventName, attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? type.Locations.FirstOrDefault(), TypeNames.Short(type), name ?? string.Empty);
                return null;
            }

            return name;
        }

        return null;
    }

    /// <summary>The expression that reads the event id from <paramref name="variable"/>, formatted with the invariant culture.</summary>
    private static string? EventIdExpression(ITypeSymbol type, string variable)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, GetMethod: not null } property
                    || !property.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == EventIdAttributeName))
                {
                    continue;
                }

                var access = variable + "." + TypeNames.Identifier(property.Name);
                var propertyType = property.Type;
                if (propertyType.SpecialType == SpecialType.System_String)
                {
                    return access;
                }

                var isNullable = propertyType.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
                var valueType = isNullable ? ((INamedTypeSymbol)propertyType).TypeArguments[0] : propertyType;
                var formattable = valueType.AllInterfaces.Any(static i => i.ToDisplayString() == "System.IFormattable");
                var call = formattable ? "ToString(null, global::System.Globalization.CultureInfo.InvariantCulture)" : "ToString()";
                return access + (isNullable || !propertyType.IsValueType ? "?." : ".") + call;
            }
        }

        return null;
    }
}

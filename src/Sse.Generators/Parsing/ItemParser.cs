using System.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>Reads how a streamed type becomes an event: its JSON metadata property, <c>[SseEvent]</c> name and <c>[SseEventId]</c> property.</summary>
internal static class ItemParser
{
    private const string EventAttributeName = "Sse.Contracts.SseEventAttribute";
    private const string EventIdAttributeName = "Sse.Contracts.SseEventIdAttribute";
    private static readonly char[] ForbiddenNameChars = { '\r', '\n', '\0' };

    public static ItemModel? Parse(ITypeSymbol itemType, INamedTypeSymbol? jsonContext, string methodDisplayName, DiagnosticSink sink)
    {
        var isText = itemType.SpecialType == SpecialType.System_String;
        string? property = isText ? string.Empty : null;
        if (jsonContext is not null && !isText)
        {
            property = JsonContextReader.FindTypeInfoProperty(jsonContext, itemType);
            if (property is null)
            {
                sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(itemType), methodDisplayName);
            }
        }

        var eventType = ReadEventName(itemType, sink);
        if (property is null)
        {
            return null;
        }

        return new ItemModel(
            TypeNames.Full(itemType),
            TypeNames.Short(itemType),
            property,
            eventType,
            isText ? null : EventIdExpression(itemType),
            isText);
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
            if (string.IsNullOrEmpty(name) || name!.IndexOfAny(ForbiddenNameChars) >= 0)
            {
                sink.Report(DiagnosticDescriptors.InvalidEventName, attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? type.Locations.FirstOrDefault(), TypeNames.Short(type), name ?? string.Empty);
                return null;
            }

            return name;
        }

        return null;
    }

    /// <summary>The expression that reads the event id from <c>item</c>, formatted with the invariant culture.</summary>
    private static string? EventIdExpression(ITypeSymbol type)
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

                var access = "item." + TypeNames.Identifier(property.Name);
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

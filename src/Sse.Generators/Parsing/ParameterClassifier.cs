using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Common;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>Decides where each parameter of a contract method travels and how its value is formatted and parsed.</summary>
internal static class ParameterClassifier
{
    private const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>Everything classification needs to know about the method a parameter belongs to.</summary>
    public sealed class MethodContext(string displayName, ICollection<string> routeParameters, bool isPost, INamedTypeSymbol? jsonContext, KnownSymbols known, DiagnosticSink sink)
    {
        public KnownSymbols Known { get; } = known;

        public string DisplayName { get; } = displayName;

        public ICollection<string> RouteParameters { get; } = routeParameters;

        public bool IsPost { get; } = isPost;

        public INamedTypeSymbol? JsonContext { get; } = jsonContext;

        public DiagnosticSink Sink { get; } = sink;

        public string? BodyParameter { get; set; }
    }

    public static ParameterModel? Classify(IParameterSymbol parameter, MethodContext method)
    {
        var sink = method.Sink;
        var location = parameter.Locations.FirstOrDefault();
        if (parameter.RefKind != RefKind.None || parameter.IsParams)
        {
            sink.Report(DiagnosticDescriptors.UnsupportedParameterModifier, location, parameter.Name, method.DisplayName);
            return null;
        }

        var type = parameter.Type;
        var name = CSharpCode.Identifier(parameter.Name);
        var typeFullName = TypeNames.Full(type);
        var defaultValue = TypeNames.DefaultValue(parameter);

        var known = method.Known;
        if (KnownSymbols.Is(type, known.CancellationToken))
        {
            return new ParameterModel(name, parameter.Name, typeFullName, typeFullName, TypeNames.Short(type), ParameterSource.CancellationToken, ValueKind.None, IsNullable: false, defaultValue, IsCatchAll: false);
        }

        var attributes = parameter.GetAttributes();
        var isNullableValue = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var valueType = isNullableValue ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var isNullable = isNullableValue || (!type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated);
        var kind = KindOf(valueType, known);

        if (KnownSymbols.Has(parameter, known.LastEventIdAttribute))
        {
            // The id a server wrote and a client sends back: text, or a number or Guid the server parses.
            if (valueType.SpecialType is not (SpecialType.System_String or SpecialType.System_Int64) && !KnownSymbols.Is(valueType, known.Guid))
            {
                sink.Report(DiagnosticDescriptors.LastEventIdNotString, location, parameter.Name, method.DisplayName, TypeNames.Short(type));
                return null;
            }

            // Always optional: a first connection has no last event id.
            return new ParameterModel(name, LastEventIdHeader, typeFullName, TypeNames.Full(valueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), TypeNames.Short(type), ParameterSource.LastEventId, kind, isNullable || !type.IsValueType, defaultValue ?? (type.IsValueType && !isNullableValue ? "default" : null), IsCatchAll: false);
        }

        var header = KnownSymbols.Find(parameter, known.SseHeaderAttribute);

        if (header is not null)
        {
            var headerName = header.ConstructorArguments.Length > 0 ? header.ConstructorArguments[0].Value as string : null;
            if (string.IsNullOrEmpty(headerName) || !headerName!.All(IsTokenChar))
            {
                sink.Report(DiagnosticDescriptors.InvalidHeaderName, header.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? location, parameter.Name, method.DisplayName, headerName ?? string.Empty);
                return null;
            }

            if (kind == ValueKind.None)
            {
                sink.Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, method.DisplayName, TypeNames.Short(type));
                return null;
            }

            return Simple(ParameterSource.Header, headerName!);
        }

        if (method.RouteParameters.Contains(parameter.Name))
        {
            if (kind == ValueKind.None)
            {
                sink.Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, method.DisplayName, TypeNames.Short(type));
                return null;
            }

            return Simple(ParameterSource.Route, parameter.Name);
        }

        if (kind != ValueKind.None)
        {
            return Simple(ParameterSource.Query, parameter.Name);
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array && array.ElementType.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T && KindOf(array.ElementType, known) is var elementKind && elementKind != ValueKind.None)
        {
            return new ParameterModel(name, parameter.Name, typeFullName, TypeNames.Full(array.ElementType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), TypeNames.Short(type), ParameterSource.Query, elementKind, isNullable, defaultValue, IsCatchAll: false, IsArray: true);
        }

        // Anything else is a complex value: the JSON body of a POST.
        if (!method.IsPost)
        {
            sink.Report(DiagnosticDescriptors.BodyOnGet, location, parameter.Name, method.DisplayName, TypeNames.Short(type));
            return null;
        }

        if (method.BodyParameter is { } first)
        {
            sink.Report(DiagnosticDescriptors.TwoBodies, location, method.DisplayName, first, parameter.Name);
            return null;
        }

        method.BodyParameter = parameter.Name;
        string? property = null;
        if (method.JsonContext is not null)
        {
            property = JsonContextReader.FindTypeInfoProperty(method.JsonContext, type, method.Known);
            if (property is null)
            {
                sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, location, TypeNames.Short(method.JsonContext), TypeNames.Short(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), method.DisplayName);
                return null;
            }
        }

        return new ParameterModel(name, parameter.Name, typeFullName, TypeNames.Full(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), TypeNames.Short(type), ParameterSource.Body, ValueKind.Json, isNullable, defaultValue, IsCatchAll: false, JsonTypeInfoProperty: property);

        ParameterModel Simple(ParameterSource source, string wireName) => new(
            name,
            wireName,
            typeFullName,
            TypeNames.Full(valueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            TypeNames.Short(type),
            source,
            kind,
            isNullable,
            defaultValue,
            IsCatchAll: false);
    }

    /// <summary>RFC 9110 token characters, the only ones a header name may have.</summary>
    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;

    /// <summary>How a value of <paramref name="type"/> travels in a route, query or header (all IParsable and IFormattable).</summary>
    private static ValueKind KindOf(ITypeSymbol type, KnownSymbols known)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
                return ValueKind.String;
            case SpecialType.System_Boolean:
                return ValueKind.Boolean;
            case SpecialType.System_DateTime:
                return ValueKind.DateTime;
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                return ValueKind.Parsable;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return ValueKind.Enum;
        }

        return KnownSymbols.Is(type, known.Guid) || KnownSymbols.Is(type, known.DateTimeOffset) || KnownSymbols.Is(type, known.DateOnly)
            || KnownSymbols.Is(type, known.TimeOnly) || KnownSymbols.Is(type, known.TimeSpan)
            ? ValueKind.Parsable
            : ValueKind.None;
    }
}

using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>Decides where each parameter of a contract method travels and how its value is formatted and parsed.</summary>
internal static class ParameterClassifier
{
    private const string CancellationTokenName = "System.Threading.CancellationToken";

    /// <summary>The simple types, beyond the special types, that bind from the route and query (all IParsable and IFormattable).</summary>
    private static readonly HashSet<string> ParsableTypes = new(StringComparer.Ordinal)
    {
        "System.Guid",
        "System.DateTimeOffset",
        "System.DateOnly",
        "System.TimeOnly",
        "System.TimeSpan",
    };

    public static ParameterModel? Classify(IParameterSymbol parameter, string methodDisplayName, ICollection<string> routeParameters, DiagnosticSink sink)
    {
        var location = parameter.Locations.Length > 0 ? parameter.Locations[0] : null;
        if (parameter.RefKind != RefKind.None || parameter.IsParams)
        {
            sink.Report(DiagnosticDescriptors.UnsupportedParameterModifier, location, parameter.Name, methodDisplayName);
            return null;
        }

        var type = parameter.Type;
        var name = TypeNames.Identifier(parameter.Name);
        var typeFullName = TypeNames.Full(type);
        var defaultValue = TypeNames.DefaultValue(parameter);

        if (type.ToDisplayString() == CancellationTokenName)
        {
            return new ParameterModel(name, parameter.Name, typeFullName, typeFullName, TypeNames.Short(type), ParameterSource.CancellationToken, ValueKind.None, IsNullable: false, defaultValue, IsCatchAll: false);
        }

        var isNullableValue = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var valueType = isNullableValue ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var kind = KindOf(valueType);
        if (kind == ValueKind.None)
        {
            sink.Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, methodDisplayName, TypeNames.Short(type));
            return null;
        }

        var isNullable = isNullableValue || (!type.IsValueType && type.NullableAnnotation == NullableAnnotation.Annotated);
        var source = routeParameters.Contains(parameter.Name) ? ParameterSource.Route : ParameterSource.Query;
        return new ParameterModel(
            name,
            parameter.Name,
            typeFullName,
            TypeNames.Full(valueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            TypeNames.Short(type),
            source,
            kind,
            isNullable,
            defaultValue,
            IsCatchAll: false);
    }

    private static ValueKind KindOf(ITypeSymbol type)
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

        return ParsableTypes.Contains(type.ToDisplayString()) ? ValueKind.Parsable : ValueKind.None;
    }
}

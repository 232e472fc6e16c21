using System.Globalization;
using Microsoft.CodeAnalysis;
using Sse.Generators.Common;

namespace Sse.Generators.Parsing;

/// <summary>How types, identifiers and constants are printed into generated code.</summary>
internal static class TypeNames
{
    /// <summary><c>global::</c>-qualified, keywords for special types, nullable reference annotations kept.</summary>
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>As a user writes it, for messages: <c>int?</c>, <c>PriceTick</c>.</summary>
    public static readonly SymbolDisplayFormat Display = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string Full(ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    public static string Short(ITypeSymbol type) => type.ToDisplayString(Display);

    /// <summary>The metadata name <see cref="Compilation.GetTypeByMetadataName"/> finds: <c>Ns.Outer+Inner`1</c>.</summary>
    public static string Metadata(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }

    /// <summary>The C# literal of a parameter's default value, or <see langword="null"/> when it has none.</summary>
    public static string? DefaultValue(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        var type = parameter.Type;
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T ? "default" : "null";
        }

        var underlying = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
            ? ((INamedTypeSymbol)type).TypeArguments[0]
            : type;
        if (underlying.TypeKind == TypeKind.Enum)
        {
            foreach (var member in underlying.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, value))
                {
                    return Full(underlying) + "." + CSharpCode.Identifier(field.Name);
                }
            }

            return "(" + Full(underlying) + ")(" + Primitive(value) + ")";
        }

        return Primitive(value);
    }

    private static string Primitive(object value) => value switch
    {
        string s => CSharpCode.Literal(s),
        char c => CSharpCode.Literal(c),
        bool b => b ? "true" : "false",
        float f when float.IsNaN(f) => "float.NaN",
        float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
        float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d when double.IsNaN(d) => "double.NaN",
        double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
        double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
        uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
        _ => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}

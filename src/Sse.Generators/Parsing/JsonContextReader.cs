using System.Text;
using Microsoft.CodeAnalysis;

namespace Sse.Generators.Parsing;

/// <summary>
/// Reads a <c>JsonSerializerContext</c>'s <c>[JsonSerializable]</c> attributes at compile time, to find the
/// property that holds a type's <c>JsonTypeInfo</c> the way the System.Text.Json generator names it.
/// </summary>
internal static class JsonContextReader
{
    public static bool IsJsonContext(ITypeSymbol type, KnownSymbols known)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (KnownSymbols.Is(current, known.JsonSerializerContext))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>JsonTypeInfo</c> property for <paramref name="type"/>, or <see langword="null"/> when the context does not list it.</summary>
    public static string? FindTypeInfoProperty(INamedTypeSymbol context, ITypeSymbol type, KnownSymbols known)
    {
        foreach (var attribute in context.GetAttributes())
        {
            if (!KnownSymbols.Is(attribute, known.JsonSerializableAttribute)
                || attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not ITypeSymbol listed
                || !SymbolEqualityComparer.Default.Equals(listed.WithNullableAnnotation(NullableAnnotation.None), type.WithNullableAnnotation(NullableAnnotation.None)))
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "TypeInfoPropertyName" && named.Value.Value is string { Length: > 0 } explicitName)
                {
                    return explicitName;
                }
            }

            return DefaultPropertyName(type);
        }

        return null;
    }

    /// <summary>The System.Text.Json generator's default name: the type name, type arguments appended, <c>Array</c> for arrays.</summary>
    private static string DefaultPropertyName(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return DefaultPropertyName(array.ElementType) + (array.Rank == 1 ? "Array" : "Array" + array.Rank + "D");
        }

        if (type is not INamedTypeSymbol { IsGenericType: true } named)
        {
            return type.Name;
        }

        var builder = new StringBuilder(named.Name);
        foreach (var argument in named.TypeArguments)
        {
            builder.Append(DefaultPropertyName(argument));
        }

        return builder.ToString();
    }
}

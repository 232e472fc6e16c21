using System.Linq;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>Prints the TypeScript type trees of a <see cref="TypeScriptModel"/>.</summary>
internal static class TypeScriptTypePrinter
{
    /// <summary>A type as TypeScript writes it: <c>string | null</c>, <c>(number | null)[]</c>, <c>Record&lt;string, Row&gt;</c>.</summary>
    public static string Print(TsType type) => type switch
    {
        TsKeyword keyword => keyword.Name,
        TsStringLiteral literal => TypeScriptCode.Quote(literal.Value),
        TsNumberLiteral number => number.Value,
        TsReference reference => reference.Name,
        TsArray array => Element(array.Element) + "[]",
        TsRecord record => "Record<string, " + Print(record.Value) + ">",
        TsUnion union => string.Join(" | ", union.Alternatives.Select(Print)),
        TsIntersection intersection => "(" + string.Join(" & ", intersection.Parts.Select(Print)) + ")",
        TsObject obj => "{ " + string.Join("; ", obj.Properties.Select(Property)) + " }",
        _ => throw new System.ArgumentOutOfRangeException(nameof(type), type, "Not a TypeScript type the printer knows."),
    };

    /// <summary>One property of an object type or interface, without its separator: <c>name?: type</c>, or <c>[key: string]: type</c>.</summary>
    public static string Property(TsProperty property) =>
        TypeScriptCode.Member(property.Name, Print(property.Type), property.IsOptional, property.IsIndexSignature);

    /// <summary>An array's element, in parentheses when it is more than one word (<c>(A | B)[]</c>).</summary>
    private static string Element(TsType element)
    {
        var printed = Print(element);
        return printed.Contains(' ') ? "(" + printed + ")" : printed;
    }
}

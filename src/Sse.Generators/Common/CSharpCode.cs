using Microsoft.CodeAnalysis.CSharp;

namespace Sse.Generators.Common;

/// <summary>
/// How text becomes C# source: string literals, identifiers and XML doc text. Shared by the parser (which computes
/// printed names) and the emitters (which print literals), so neither depends on the other.
/// </summary>
internal static class CSharpCode
{
    /// <summary>A C# string literal: <c>"a \"quoted\" value"</c>.</summary>
    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>A C# character literal.</summary>
    public static string Literal(char value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>An identifier as it must appear in code: <c>@event</c> for the keyword <c>event</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword
            ? "@" + name
            : name;

    /// <summary>Text escaped for an XML documentation comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>Copies a contract member's XML documentation, so it appears on the generated client member too.</summary>
internal static class DocumentationReader
{
    public static EquatableArray<string> Read(ISymbol symbol, CancellationToken cancellationToken)
    {
        var xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
        {
            return EquatableArray<string>.Empty;
        }

        try
        {
            var member = XElement.Parse(xml, LoadOptions.PreserveWhitespace);
            var lines = new List<string>();
            foreach (var element in member.Elements())
            {
                lines.AddRange(Dedent(element.ToString(SaveOptions.DisableFormatting).Replace("\r\n", "\n").Split('\n')));
            }

            return lines.ToEquatableArray();
        }
        catch (XmlException)
        {
            // Malformed documentation: the compiler warns about it at the contract; the client falls back to inheritdoc.
            return EquatableArray<string>.Empty;
        }
    }

    private static IEnumerable<string> Dedent(string[] lines)
    {
        var indent = lines.Skip(1).Where(static l => l.Trim().Length > 0).Select(static l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = i == 0 ? lines[i] : lines[i].Substring(Math.Min(indent, lines[i].Length - lines[i].TrimStart().Length));
            yield return line.TrimEnd();
        }
    }
}

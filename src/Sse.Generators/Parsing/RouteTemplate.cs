using System.Collections.Generic;
using System.Text;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Splits an ASP.NET Core route template into literal text and parameters (<c>{id}</c>, <c>{id:int}</c>,
/// <c>{id?}</c>, <c>{id=5}</c>, <c>{*path}</c>), which is all the client needs to build a URI.
/// </summary>
internal static class RouteTemplate
{
    private static readonly char[] NameStops = { ':', '=', '?' };

    /// <summary>Joins a contract's prefix and a method's route with exactly one slash between them.</summary>
    public static string Combine(string prefix, string route)
    {
        prefix = Normalize(prefix);
        route = Normalize(route);
        var combined = prefix + route;
        return combined.Length == 0 ? "/" : combined;
    }

    /// <summary>Normalizes a template piece: a leading <c>/</c>, no trailing <c>/</c>, empty for the root.</summary>
    public static string Normalize(string template)
    {
        var trimmed = template.Trim().Trim('/');
        return trimmed.Length == 0 ? string.Empty : "/" + trimmed;
    }

    /// <summary>Parses a template; returns <see langword="false"/> with a reason when it is malformed.</summary>
    public static bool TryParse(string template, out List<RoutePart> parts, out string? error)
    {
        parts = new List<RoutePart>();
        error = null;
        var literal = new StringBuilder();
        var names = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }

                error = $"'}}' at position {i} closes no parameter";
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"'{{' at position {i} is not closed";
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(new RoutePart(literal.ToString(), IsParameter: false, IsCatchAll: false, IsOptional: false));
                literal.Clear();
            }

            if (!TryParseParameter(template.Substring(i + 1, end - i - 1), out var part, out error))
            {
                return false;
            }

            if (!names.Add(part.Text))
            {
                error = $"the parameter '{part.Text}' appears twice";
                return false;
            }

            parts.Add(part);
            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add(new RoutePart(literal.ToString(), IsParameter: false, IsCatchAll: false, IsOptional: false));
        }

        return true;
    }

    /// <summary>The template with every parameter reduced to <c>{}</c>, so two routes that match the same URIs compare equal.</summary>
    public static string Shape(IEnumerable<RoutePart> parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part.IsParameter ? "{}" : part.Text.ToLowerInvariant());
        }

        return builder.ToString();
    }

    private static bool TryParseParameter(string body, out RoutePart part, out string? error)
    {
        part = default;
        error = null;
        var isCatchAll = false;
        if (body.StartsWith("**", System.StringComparison.Ordinal))
        {
            isCatchAll = true;
            body = body.Substring(2);
        }
        else if (body.StartsWith("*", System.StringComparison.Ordinal))
        {
            isCatchAll = true;
            body = body.Substring(1);
        }

        // The name ends at the first constraint (':'), default ('=') or optional marker ('?').
        var nameEnd = body.Length;
        foreach (var stop in NameStops)
        {
            var index = body.IndexOf(stop);
            if (index >= 0 && index < nameEnd)
            {
                nameEnd = index;
            }
        }

        var name = body.Substring(0, nameEnd).Trim();
        if (name.Length == 0)
        {
            error = "a parameter has no name";
            return false;
        }

        var isOptional = body.EndsWith("?", System.StringComparison.Ordinal) || body.IndexOf('=') >= 0;
        part = new RoutePart(name, IsParameter: true, isCatchAll, isOptional);
        return true;
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>Reads <c>[SseTopic("rooms/{room}")]</c>: the template's parts, each placeholder bound to a parameter or the user.</summary>
internal static class TopicParser
{
    private const string UserPlaceholder = "user";
    private const string DefaultUserClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

    /// <summary>Parses the template of a topic method whose parameters are already classified.</summary>
    public static TopicModel? Parse(AttributeData attribute, string display, IReadOnlyList<ParameterModel> parameters, DiagnosticSink sink, Location? location)
    {
        var template = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string t ? t : string.Empty;
        var userClaim = DefaultUserClaim;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "UserClaim" && named.Value.Value is string claim)
            {
                userClaim = claim;
            }
        }

        if (!TrySplit(template, out var pieces, out var error))
        {
            sink.Report(DiagnosticDescriptors.InvalidTopicTemplate, location, template, display, error);
            return null;
        }

        var parts = new List<TopicPart>();
        var used = new HashSet<string>(System.StringComparer.Ordinal);
        var hasUser = false;
        foreach (var (text, isPlaceholder) in pieces)
        {
            if (!isPlaceholder)
            {
                parts.Add(new TopicPart(text, null, IsUser: false));
                continue;
            }

            var parameter = parameters.FirstOrDefault(p => string.Equals(p.Name.TrimStart('@'), text, System.StringComparison.OrdinalIgnoreCase)
                && p.Source is ParameterSource.Route or ParameterSource.Query or ParameterSource.Header && !p.IsArray);
            if (text == UserPlaceholder && parameter is null)
            {
                if (string.IsNullOrEmpty(userClaim))
                {
                    sink.Report(DiagnosticDescriptors.InvalidTopicTemplate, location, template, display, "UserClaim is empty");
                    return null;
                }

                hasUser = true;
                parts.Add(new TopicPart(text, null, IsUser: true));
                continue;
            }

            if (parameter is null)
            {
                sink.Report(DiagnosticDescriptors.TopicTemplateUnknownParameter, location, template, display, text);
                return null;
            }

            used.Add(parameter.Name);
            parts.Add(new TopicPart(text, parameter.Name, IsUser: false));
        }

        foreach (var parameter in parameters)
        {
            if (parameter.Source != ParameterSource.CancellationToken && !used.Contains(parameter.Name))
            {
                sink.Report(DiagnosticDescriptors.TopicParameterUnused, location, parameter.Name.TrimStart('@'), display, template);
                return null;
            }
        }

        return new TopicModel(template, parts.ToEquatableArray(), hasUser ? userClaim : null);
    }

    /// <summary>Splits a template into literal text and <c>{placeholder}</c> names.</summary>
    private static bool TrySplit(string template, out List<(string Text, bool IsPlaceholder)> pieces, out string error)
    {
        pieces = new List<(string, bool)>();
        error = string.Empty;
        if (template.Trim().Length == 0)
        {
            error = "it is empty";
            return false;
        }

        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
            {
                error = $"'}}' at position {i} closes no placeholder";
                return false;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"'{{' at position {i} is not closed";
                return false;
            }

            var name = template.Substring(i + 1, end - i - 1).Trim();
            if (name.Length == 0)
            {
                error = "a placeholder has no name";
                return false;
            }

            if (literal.Length > 0)
            {
                pieces.Add((literal.ToString(), false));
                literal.Clear();
            }

            pieces.Add((name, true));
            i = end;
        }

        if (literal.Length > 0)
        {
            pieces.Add((literal.ToString(), false));
        }

        return true;
    }
}

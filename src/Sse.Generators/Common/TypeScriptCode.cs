using System.Linq;
using System.Text;

namespace Sse.Generators.Common;

/// <summary>Prints TypeScript literals, property names and members, for the emitters.</summary>
internal static class TypeScriptCode
{
    /// <summary>A TypeScript string literal.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                default:
                    if (c < ' ' || c == '\u2028' || c == '\u2029')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A property name as an object type writes it: bare when it is an identifier, quoted otherwise.</summary>
    public static string PropertyName(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] is '_' or '$') && name.All(static c => char.IsLetterOrDigit(c) || c is '_' or '$') ? name : Quote(name);

    /// <summary>One member of an object type, without its separator: <c>name?: type</c>, or <c>[key: string]: type</c>.</summary>
    public static string Member(string name, string type, bool isOptional, bool isIndexSignature) =>
        isIndexSignature ? $"[{name}: string]: {type}" : $"{PropertyName(name)}{(isOptional ? "?" : string.Empty)}: {type}";
}

using System.Text;

namespace Sse.Generators.Common;

/// <summary>
/// The one place names change case, with System.Text.Json's rules (its <c>JsonNamingPolicy</c>s), so a contract's
/// routes, its TypeScript file and its JSON property names agree: <c>HTTPFeed</c> is <c>http-feed</c> everywhere.
/// </summary>
internal static class Naming
{
    /// <summary>kebab-case: <c>GetPrices</c> → <c>get-prices</c>, <c>HTTPFeed</c> → <c>http-feed</c> (the default route of a method, the TypeScript file of a contract).</summary>
    public static string KebabCase(string name) => Separated(name, '-', upper: false);

    /// <summary>snake_case or kebab-case, lower or upper: a separator where a word starts (a capital after a lowercase letter or digit, or before a lowercase letter after capitals).</summary>
    public static string Separated(string name, char separator, bool upper)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                builder.Append(separator);
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>System.Text.Json's camelCase: the leading run of capitals is lowered, keeping the last before a lowercase letter.</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>A method's name as a TypeScript method: its first letter lowered, <c>Prices</c> → <c>prices</c>.</summary>
    public static string LowerFirst(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
}

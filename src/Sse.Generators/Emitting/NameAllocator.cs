using System.Collections.Generic;

namespace Sse.Generators.Emitting;

/// <summary>Hands out local names that cannot collide with the user's parameter names or with each other.</summary>
internal sealed class NameAllocator
{
    private readonly HashSet<string> _used = new(System.StringComparer.Ordinal);

    public void Reserve(string name) => _used.Add(name.TrimStart('@'));

    /// <summary>
    /// Returns <paramref name="preferred"/>, or it with the first free numeric suffix, as an identifier
    /// (<c>@switch</c> for a keyword).
    /// </summary>
    public string Allocate(string preferred)
    {
        preferred = preferred.TrimStart('@');
        var candidate = preferred;
        for (var i = 1; !_used.Add(candidate); i++)
        {
            candidate = preferred + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Common.CSharpCode.Identifier(candidate);
    }
}

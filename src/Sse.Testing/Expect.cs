using System.Collections.Generic;
using System.Linq;

namespace Sse.Testing;

/// <summary>Plain assertions that throw <see cref="SseSpecificationException"/>, so the kit depends on no test framework.</summary>
internal static class Expect
{
    public static void True(bool condition, string message)
    {
        if (!condition)
        {
            throw new SseSpecificationException(message);
        }
    }

    public static void False(bool condition, string message) => True(!condition, message);

    public static void Equal<T>(T expected, T actual, string message)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new SseSpecificationException($"{message} Expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}.");
        }
    }

    public static void Sequence(IEnumerable<long> expected, IEnumerable<long> actual, string what)
    {
        var (e, a) = (expected.ToList(), actual.ToList());
        if (!e.SequenceEqual(a))
        {
            throw new SseSpecificationException($"Expected {what} to be [{Describe(e)}] ({e.Count}), got [{Describe(a)}] ({a.Count}).");
        }
    }

    public static void ValidEpoch(string? epoch, string where)
    {
        var valid = epoch is { Length: > 0 and <= 32 } && epoch.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.');
        True(valid, $"The epoch of {where} is '{epoch}': an epoch is 1 to 32 letters, digits, '_' or '.'.");
    }

    private static string Describe(List<long> positions) =>
        positions.Count <= 12 ? string.Join(", ", positions) : string.Join(", ", positions.Take(6)) + ", …, " + string.Join(", ", positions.TakeLast(6));
}

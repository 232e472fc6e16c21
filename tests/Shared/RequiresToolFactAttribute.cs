using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Sse.Tests;

/// <summary>
/// A fact that needs an external program. Without it the test is skipped with install instructions, except under
/// <c>CI=true</c>, where a missing tool is a failure rather than a silent skip.
/// </summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool, string install)
    {
        if (Tools.Find(tool) is null && !Tools.IsCi)
        {
            Skip = $"'{tool}' is not installed; install it with: {install}";
        }
    }
}

internal static class Tools
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of <paramref name="tool"/> on PATH (or an absolute path that exists), or <see langword="null"/>.</summary>
    public static string? Find(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The tool's path; under CI a missing tool fails the test with the install instruction.</summary>
    public static string Require(string tool, string install) =>
        Find(tool) ?? throw new InvalidOperationException($"'{tool}' is required (CI=true) but not installed; install it with: {install}");
}

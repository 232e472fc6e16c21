using System;
using System.IO;

namespace Sse.Tests;

/// <summary>
/// Finds files in the repository from the test binaries' location. (<c>[CallerFilePath]</c> cannot be used: CI builds
/// with ContinuousIntegrationBuild, which maps source paths to <c>/_/</c>.)
/// </summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Sse.Contracts.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Sse.Contracts.sln was not found above '{AppContext.BaseDirectory}'.");
    }
}

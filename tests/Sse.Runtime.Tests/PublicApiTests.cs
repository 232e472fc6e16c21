using System;
using System.IO;
using System.Linq;
using Sse.Tests;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// The public surface of each package. Its lines are declared in the project's <c>PublicAPI.Shipped.txt</c> and
/// <c>PublicAPI.Unshipped.txt</c>, held by Microsoft.CodeAnalysis.PublicApiAnalyzers at build time (an undeclared change
/// fails the build); these tests hold what the analyzer does not: every shipped library is under it, infrastructure is
/// hidden, and exceptions users catch cannot be made by them.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void EveryShippedLibrary_DeclaresItsPublicApi()
    {
        var projects = Directory.GetFiles(RepoPaths.File("src"), "*.csproj", SearchOption.AllDirectories)
            .Where(static p => !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .ToList();
        Assert.True(projects.Count >= 5, "The shipped libraries were not found.");
        foreach (var project in projects)
        {
            foreach (var file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
            {
                var path = Path.Combine(Path.GetDirectoryName(project)!, file);
                Assert.True(File.Exists(path), $"{Path.GetFileName(project)} has no {file}.");
                Assert.StartsWith("#nullable enable", File.ReadAllText(path), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void InfrastructureTypes_AreHiddenFromIntelliSense()
    {
        foreach (var assembly in new[] { typeof(SseClientOptions).Assembly, typeof(AspNetCore.SseServerOptions).Assembly })
        {
            var infrastructure = assembly.GetExportedTypes().Where(static t => t.Namespace?.EndsWith(".Infrastructure", StringComparison.Ordinal) == true).ToList();
            Assert.NotEmpty(infrastructure);
            foreach (var type in infrastructure)
            {
                var browsable = type.GetCustomAttributes(typeof(System.ComponentModel.EditorBrowsableAttribute), inherit: false).Cast<System.ComponentModel.EditorBrowsableAttribute>().SingleOrDefault();
                Assert.True(browsable?.State == System.ComponentModel.EditorBrowsableState.Never, $"{type.FullName} is infrastructure but not [EditorBrowsable(Never)].");
            }
        }
    }

    [Fact]
    public void ExceptionsUsersCatch_HaveNoPublicConstructors()
    {
        var exceptions = new[] { typeof(SseClientOptions).Assembly, typeof(AspNetCore.SseServerOptions).Assembly }
            .SelectMany(static a => a.GetExportedTypes())
            .Where(static t => typeof(Exception).IsAssignableFrom(t))
            .ToList();
        Assert.Contains(typeof(SseHttpException), exceptions);

        // SseResumeRejectedException is also thrown by server implementations, and SseTopicLogUnavailableException by
        // topic logs of other engines, so they keep a public constructor.
        foreach (var type in exceptions.Where(static t => t != typeof(SseResumeRejectedException) && t != typeof(AspNetCore.SseTopicLogUnavailableException)))
        {
            Assert.Empty(type.GetConstructors());
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Sse.Tests;
using Xunit;

namespace Sse.Runtime.Tests;

/// <summary>
/// What keeps the documentation true as the code moves: links that resolve, tables that list everything they claim
/// to, an options page with every option. (The diagnostics pages and the README's example are held by the generator
/// tests, which can see the descriptors and run the generator.)
/// </summary>
public partial class DocumentationTests
{
    private const string RepositoryUrl = "https://github.com/sse-contracts/sse-contracts/blob/main/";

    /// <summary>Every Markdown file a reader meets: the README, CONTRIBUTING, the docs and each package's readme.</summary>
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        var files = new[] { "README.md", "CONTRIBUTING.md" }
            .Concat(Directory.GetFiles(RepoPaths.File("docs"), "*.md", SearchOption.AllDirectories).Select(static f => Path.GetRelativePath(RepoPaths.Root, f)))
            .Concat(Directory.GetFiles(RepoPaths.File("src"), "README.md", SearchOption.AllDirectories).Select(static f => Path.GetRelativePath(RepoPaths.Root, f)))
            .Where(static f => !f.Contains("bin", StringComparison.Ordinal) && !f.Contains("obj", StringComparison.Ordinal))
            .Select(static f => f.Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryLink_Resolves(string page)
    {
        var text = File.ReadAllText(RepoPaths.File(page));
        var broken = new List<string>();
        foreach (Match link in LinkPattern().Matches(WithoutCode(text)))
        {
            var target = link.Groups[1].Value;
            string path;
            if (target.StartsWith(RepositoryUrl, StringComparison.Ordinal))
            {
                path = target[RepositoryUrl.Length..];
            }
            else if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue; // Outside the repository.
            }
            else
            {
                path = target.StartsWith('#') ? Path.GetFileName(page) + target : target;
                path = Path.GetRelativePath(RepoPaths.Root, Path.GetFullPath(Path.Combine(RepoPaths.File(Path.GetDirectoryName(page)!), path.Split('#')[0]))).Replace('\\', '/')
                    + (path.Contains('#', StringComparison.Ordinal) ? "#" + path.Split('#', 2)[1] : string.Empty);
            }

            var (file, anchor) = path.Contains('#', StringComparison.Ordinal) ? (path.Split('#', 2)[0], path.Split('#', 2)[1]) : (path, null);
            var full = RepoPaths.File(file);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                broken.Add($"{target} (no {file})");
            }
            else if (anchor is not null && File.Exists(full) && !Anchors(File.ReadAllText(full)).Contains(anchor))
            {
                broken.Add($"{target} (no heading #{anchor} in {file})");
            }
        }

        Assert.True(broken.Count == 0, $"{page} links to what does not exist:\n" + string.Join("\n", broken));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/reference/packages.md")]
    public void PackagesTable_ListsEveryPackableProject_AndTheNpmPackage(string page)
    {
        var text = File.ReadAllText(RepoPaths.File(page));
        var projects = Directory.GetFiles(RepoPaths.File("src"), "*.csproj", SearchOption.AllDirectories)
            .Where(static p => !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();
        Assert.True(projects.Count >= 5, "The shipped libraries were not found.");
        foreach (var project in projects)
        {
            Assert.Contains($"| `{project}` |", text, StringComparison.Ordinal);
        }

        var npm = Regex.Match(File.ReadAllText(RepoPaths.File("clients/typescript/package.json")), "\"name\":\\s*\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains($"| `{npm}`", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(SseClientOptions))]
    [InlineData(typeof(AspNetCore.SseServerOptions))]
    [InlineData(typeof(AspNetCore.SseHubOptions))]
    [InlineData(typeof(AspNetCore.PostgreSql.SsePostgreSqlOptions))]
    public void OptionsPage_ListsEveryOption(Type options)
    {
        // eng/options-doc.py writes the page from the doc comments; run it after adding an option.
        var text = File.ReadAllText(RepoPaths.File("docs/reference/options.md"));
        var section = text[text.IndexOf($"`{options.Name}`", StringComparison.Ordinal)..];
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.True(section.Contains($"| `{property.Name}` |", StringComparison.Ordinal), $"docs/reference/options.md does not list {options.Name}.{property.Name}; run python3 eng/options-doc.py.");
        }
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in HeadingPattern().Matches(WithoutCode(markdown)))
        {
            var slug = Regex.Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", string.Empty).Replace(' ', '-');
            for (var i = 0; !anchors.Add(i == 0 ? slug : $"{slug}-{i}"); i++)
            {
            }
        }

        return anchors;
    }

    /// <summary>The text without fenced code blocks, whose brackets are code, not links.</summary>
    private static string WithoutCode(string markdown) => FencePattern().Replace(markdown, string.Empty);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencePattern();
}

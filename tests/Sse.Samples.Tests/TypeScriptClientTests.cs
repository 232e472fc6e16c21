using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Sse.Tests;
using Xunit;

namespace Sse.Samples.Tests;

/// <summary>
/// The TypeScript client: its runtime's node tests (the shared WHATWG table, the reader, generated clients type-checked),
/// the Chat sample's generated client against the real Kestrel server, and the checked-in client and page scripts being
/// what the build and the sources produce.
/// </summary>
[Collection(SamplesCollection.Name)]
[Trait("Category", "Samples")]
public sealed class TypeScriptClientTests
{
    private const string Install = "apt-get update && apt-get install -y nodejs npm";
    private static readonly string Package = RepoPaths.File("clients/typescript");

    [RequiresToolFact("node", Install)]
    public async Task RuntimeTests_PassInNode()
    {
        await EnsurePackagesAsync();
        var result = await ProcessRunner.RunAsync(Tools.Require("npm", Install), ["test"], Package, TimeSpan.FromMinutes(5));
        result.EnsureSuccess("npm test (clients/typescript)");
        Assert.Contains("# fail 0", result.Output.Replace("ℹ fail 0", "# fail 0", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [RequiresToolFact("node", Install)]
    public async Task GeneratedChatClient_InNode_AgainstTheChatSample()
    {
        await EnsurePackagesAsync();
        (await ProcessRunner.RunAsync(Tools.Require("npm", Install), ["run", "build:test"], Package, TimeSpan.FromMinutes(5))).EnsureSuccess("npm run build:test");
        (await ProcessRunner.RunAsync(Tools.Require("npm", Install), ["run", "build"], Package, TimeSpan.FromMinutes(5))).EnsureSuccess("npm run build");
        await using var server = await AppProcess.StartServerAsync("samples/Chat/Chat.Server");
        var result = await ProcessRunner.RunAsync(
            Tools.Require("node", Install),
            ["--test", "--test-reporter=spec", "build-test/test/chat-sample.test.js"],
            Package,
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["CHAT_URL"] = server.Address.ToString().TrimEnd('/') });
        result.EnsureSuccess("node --test chat-sample.test.js");
        // Both tests ran (none skipped for want of CHAT_URL): streams and commands, and a cut connection resumed.
        Assert.Contains("pass 2", result.Output, StringComparison.Ordinal);
        Assert.Contains("skipped 0", result.Output, StringComparison.Ordinal);
    }

    [RequiresToolFact("git", "apt-get update && apt-get install -y git")]
    public async Task CheckedInGeneratedClients_AreWhatTheBuildWrites()
    {
        // The test build rebuilt the samples, which write their client/*.ts when the generator's output differs: a
        // stale checked-in client shows up as a change against the commit.
        string[] clients = ["samples/Chat/Chat.Server/client/chat.ts", "samples/Completions/client/completions.ts"];
        var status = await ProcessRunner.RunAsync(Tools.Require("git", "apt-get install -y git"), ["status", "--porcelain", "--", .. clients], RepoPaths.Root, TimeSpan.FromMinutes(1));
        status.EnsureSuccess("git status");
        Assert.True(status.Output.Trim().Length == 0, $"A generated client is not what the build writes; commit the regenerated file:\n{status.Output}");
        Assert.All(clients, static c => Assert.True(File.Exists(RepoPaths.File(c)), $"{c} is missing."));
    }

    [RequiresToolFact("node", Install)]
    public async Task CheckedInPageScripts_AreBuiltFromTheCurrentSources()
    {
        await EnsurePackagesAsync();
        (await ProcessRunner.RunAsync(Tools.Require("npm", Install), ["run", "build"], Package, TimeSpan.FromMinutes(5))).EnsureSuccess("npm run build");
        var fresh = Path.Combine(Path.GetTempPath(), "sse-pages-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            (await ProcessRunner.RunAsync(Tools.Require("node", Install), ["scripts/build-web.mjs", fresh], Package, TimeSpan.FromMinutes(5))).EnsureSuccess("build-web.mjs");
            // The runtime as the server package's static web asset, and each page's own scripts.
            foreach (var (built, checkedIn) in new[]
            {
                (Path.Combine(fresh, "sse-client"), RepoPaths.File("src/Sse.Runtime.AspNetCore/wwwroot/sse-client")),
                (Path.Combine(fresh, "Chat.Server", "js"), RepoPaths.File("samples/Chat/Chat.Server/wwwroot/js")),
                (Path.Combine(fresh, "Completions", "js"), RepoPaths.File("samples/Completions/wwwroot/js")),
            })
            {
                var expected = Directory.GetFiles(built, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(built, f)).Order().ToList();
                Assert.Equal(expected, Directory.GetFiles(checkedIn, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(checkedIn, f)).Order());
                foreach (var file in expected)
                {
                    Assert.True(
                        File.ReadAllText(Path.Combine(built, file)) == File.ReadAllText(Path.Combine(checkedIn, file)),
                        $"{Path.GetRelativePath(RepoPaths.Root, Path.Combine(checkedIn, file))} is stale: run `npm run build:web` in clients/typescript and commit the result.");
                }
            }
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    /// <summary>The package's dev dependencies (typescript, @types/node), from the lock file, once.</summary>
    private static async Task EnsurePackagesAsync()
    {
        if (File.Exists(Path.Combine(Package, "node_modules", "typescript", "bin", "tsc")))
        {
            return;
        }

        (await ProcessRunner.RunAsync(Tools.Require("npm", Install), ["ci", "--no-audit", "--no-fund"], Package, TimeSpan.FromMinutes(5))).EnsureSuccess("npm ci (clients/typescript)");
    }
}

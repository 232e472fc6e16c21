using System;
using System.IO;
using System.Threading.Tasks;
using Sse.Tests;
using Xunit;

namespace Sse.Generators.Tests;

/// <summary>
/// The TypeScript snapshots compile with TypeScript's strictest settings (the package's tsconfig: strict,
/// noUnusedLocals, exactOptionalPropertyTypes…) against the runtime's sources: what the generator writes is valid
/// TypeScript, checked where it is generated.
/// </summary>
public class TypeScriptTypeCheckTests
{
    private static readonly string Package = RepoPaths.File(Path.Combine("clients", "typescript"));

    [RequiresTypeScriptFact]
    public async Task Snapshots_TypeCheckAgainstTheRuntime()
    {
        var snapshots = Directory.GetFiles(RepoPaths.File(Path.Combine("tests", "Sse.Generators.Tests", "Snapshots")), "*.ts");
        Assert.True(snapshots.Length >= 5, "The TypeScript snapshots were not found.");

        var result = await ProcessRunner.RunAsync(
            Tools.Require("node", RequiresTypeScriptFactAttribute.Install),
            [RequiresTypeScriptFactAttribute.Compiler, "-p", "tsconfig.snapshots.json"],
            Package,
            TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, $"tsc found errors in the generated TypeScript:\n{result.Output}");
    }
}

/// <summary>
/// A fact that needs node and the TypeScript package's dev dependencies (<c>npm ci</c> in <c>clients/typescript</c>,
/// which <c>.ci/run</c> does first). Without them it is skipped with that command, except under <c>CI=true</c>.
/// </summary>
public sealed class RequiresTypeScriptFactAttribute : FactAttribute
{
    public const string Install = "apt-get install -y nodejs npm && (cd clients/typescript && npm ci)";

    public static string Compiler => RepoPaths.File(Path.Combine("clients", "typescript", "node_modules", "typescript", "bin", "tsc"));

    public RequiresTypeScriptFactAttribute()
    {
        if ((Tools.Find("node") is null || !File.Exists(Compiler)) && !Tools.IsCi)
        {
            Skip = $"node or TypeScript is not installed; install them with: {Install}";
        }
    }
}

using Microsoft.CodeAnalysis.Diagnostics;

namespace Sse.Generators.Model;

/// <summary>
/// Whether the project asks for TypeScript clients (the MSBuild property <c>SseTypeScriptOutput</c> names a folder),
/// and the module the generated code imports the runtime from (<c>SseTypeScriptRuntime</c>, by default
/// <c>@sse-contracts/client</c>).
/// </summary>
internal sealed record TypeScriptSettings(bool Enabled, string RuntimeModule)
{
    public const string DefaultRuntimeModule = "@sse-contracts/client";

    public static TypeScriptSettings From(AnalyzerConfigOptions options) => new(
        options.TryGetValue("build_property.SseTypeScriptOutput", out var output) && !string.IsNullOrWhiteSpace(output),
        options.TryGetValue("build_property.SseTypeScriptRuntime", out var module) && !string.IsNullOrWhiteSpace(module) ? module.Trim() : DefaultRuntimeModule);
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sse.Generators.Emitting;
using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators;

/// <summary>
/// Turns every <c>[SseStream]</c> interface into ASP.NET Core endpoints (when the compilation references
/// Sse.Runtime.AspNetCore) and a typed client (when it references Sse.Runtime).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SseGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var contracts = context.SyntaxProvider.ForAttributeWithMetadataName(
                ContractParser.StreamAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => ContractParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Contracts)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        var capabilities = context.CompilationProvider
            .Select(static (compilation, _) => Capabilities.From(compilation))
            .WithTrackingName(TrackingNames.Capabilities);

        var withCapabilities = contracts.Combine(capabilities);

        var server = withCapabilities
            .Where(static pair => pair.Right.HasServerRuntime)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ServerContracts);

        var client = withCapabilities
            .Where(static pair => pair.Right.HasClientRuntime)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ClientContracts);

        context.RegisterSourceOutput(server, static (spc, contract) =>
            spc.AddSource(contract.HintNameStem + ".Server.g.cs", ServerEmitter.Emit(contract)));

        context.RegisterSourceOutput(client, static (spc, contract) =>
            spc.AddSource(contract.HintNameStem + ".Client.g.cs", ClientEmitter.Emit(contract)));
    }
}

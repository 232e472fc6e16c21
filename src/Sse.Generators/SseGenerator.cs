using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sse.Generators.Emitting;
using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators;

/// <summary>
/// Turns every <c>[SseStream]</c> interface into ASP.NET Core endpoints (when the compilation references
/// Sse.Runtime.AspNetCore) and a typed client (when it references Sse.Runtime); contracts from referenced assemblies
/// are generated on request with <c>[assembly: SseServer(typeof(T))]</c> or <c>[assembly: SseClient(typeof(T))]</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SseGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var capabilities = context.CompilationProvider
            .Select(static (compilation, _) => Capabilities.From(compilation))
            .WithTrackingName(TrackingNames.Capabilities);

        var contracts = context.SyntaxProvider.ForAttributeWithMetadataName(
                ContractParser.StreamAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (ctx, ct) => ContractParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Contracts)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);
        RegisterOutputs(context, contracts, capabilities);

        foreach (var (attribute, parts) in new[] { (ReferencedContractParser.ClientAttributeName, GeneratedParts.Client), (ReferencedContractParser.ServerAttributeName, GeneratedParts.Server) })
        {
            var referenced = context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute,
                    static (node, _) => node is CompilationUnitSyntax,
                    (ctx, ct) => ReferencedContractParser.Parse(ctx, parts, ct))
                .WithTrackingName(TrackingNames.ReferencedContracts)
                .SelectMany(static (models, _) => models);
            RegisterOutputs(context, referenced, capabilities);
        }
    }

    private static void RegisterOutputs(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ContractModel> contracts, IncrementalValueProvider<Capabilities> capabilities)
    {
        var withCapabilities = contracts.Combine(capabilities);

        var server = withCapabilities
            .Where(static pair => pair.Right.HasServerRuntime && (pair.Left.Parts & GeneratedParts.Server) != 0)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ServerContracts);

        var client = withCapabilities
            .Where(static pair => pair.Right.HasClientRuntime && (pair.Left.Parts & GeneratedParts.Client) != 0)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ClientContracts);

        context.RegisterSourceOutput(server, static (spc, contract) =>
            spc.AddSource(contract.HintNameStem + ".Server.g.cs", ServerEmitter.Emit(contract)));

        context.RegisterSourceOutput(client, static (spc, contract) =>
            spc.AddSource(contract.HintNameStem + ".Client.g.cs", ClientEmitter.Emit(contract)));
    }
}

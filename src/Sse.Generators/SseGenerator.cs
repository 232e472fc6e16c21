using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Sse.Generators.Emitting;
using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators;

/// <summary>
/// Turns every <c>[SseStream]</c> interface into ASP.NET Core endpoints (when the compilation references
/// Sse.Runtime.AspNetCore) or a typed client (when it references only Sse.Runtime; a server project asks for the client
/// of its own contract with <c>[assembly: SseClient(typeof(T))]</c>). Contracts from referenced assemblies are
/// generated on request with <c>[assembly: SseServer(typeof(T))]</c> or <c>[assembly: SseClient(typeof(T))]</c>.
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

        var clientRequests = context.SyntaxProvider.ForAttributeWithMetadataName(
                ContractRequestParser.ClientAttributeName,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => ContractRequestParser.Parse(ctx, GeneratedParts.Client, ct))
            .WithTrackingName(TrackingNames.ClientRequests);
        var serverRequests = context.SyntaxProvider.ForAttributeWithMetadataName(
                ContractRequestParser.ServerAttributeName,
                static (node, _) => node is CompilationUnitSyntax,
                static (ctx, ct) => ContractRequestParser.Parse(ctx, GeneratedParts.Server, ct))
            .WithTrackingName(TrackingNames.ServerRequests);
        var requests = clientRequests.Collect().Combine(serverRequests.Collect())
            .Select(static (pair, _) => ContractRequestParser.Merge(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Requests);

        // A contract declared here: the server part where the server runtime is referenced, otherwise the client part;
        // the client part also where [assembly: SseClient] asks for it.
        var local = contracts
            .Combine(requests.Select(static (r, _) => r.LocalClients))
            .Combine(capabilities)
            .Select(static (input, _) => PartsPlanner.ForLocal(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.LocalContracts);

        var referenced = requests
            .SelectMany(static (r, _) => r.Referenced)
            .Combine(capabilities)
            .Select(static (input, _) => PartsPlanner.ForReferenced(input.Left, input.Right))
            .WithTrackingName(TrackingNames.ReferencedContracts);

        context.RegisterSourceOutput(local, static (spc, contract) => Emit(spc, contract));
        context.RegisterSourceOutput(referenced, static (spc, contract) => Emit(spc, contract));

        // The TypeScript client, when the project asks for it (SseTypeScriptOutput): carried in the assembly's
        // metadata, and written to that folder after the build by the package's targets. A contract declared here gets
        // it even where no runtime is referenced (a contracts library); one from a referenced assembly only where a
        // part of it is asked for.
        var typeScript = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => TypeScriptSettings.From(options.GlobalOptions))
            .WithTrackingName(TrackingNames.TypeScriptSettings);
        RegisterTypeScript(context, contracts, typeScript);
        RegisterTypeScript(context, referenced.Where(static contract => contract.Parts != GeneratedParts.None), typeScript);
    }

    /// <summary>
    /// The TypeScript branch: its own parse of the contract's types (from the compilation, so only projects that ask
    /// for TypeScript pay for it), then one carrier per contract, emitted again only when its TypeScript changes.
    /// </summary>
    private static void RegisterTypeScript(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ContractModel> contracts, IncrementalValueProvider<TypeScriptSettings> settings)
    {
        var clients = contracts
            .Combine(settings)
            .Where(static input => input.Right.Enabled)
            .Combine(context.CompilationProvider)
            .Select(static (input, ct) => TypeScriptParser.Parse(input.Left.Left, input.Right, ct) is { } types
                ? new TypeScriptClient(input.Left.Left, types, input.Left.Right.RuntimeModule)
                : null)
            .WithTrackingName(TrackingNames.TypeScriptClients)
            .Where(static client => client is not null)
            .Select(static (client, _) => client!);
        context.RegisterSourceOutput(clients, static (spc, client) => spc.AddSource(
            client.Contract.HintNameStem + ".TypeScript.g.cs",
            TypeScriptCarrierEmitter.Emit(client.Types.FileName, TypeScriptEmitter.Emit(client.Contract, client.Types, client.RuntimeModule))));
    }

    private static void Emit(SourceProductionContext context, ContractModel contract)
    {
        if (contract.Parts == GeneratedParts.None)
        {
            return;
        }

        if (contract.HasStreams)
        {
            context.AddSource(contract.HintNameStem + ".Events.g.cs", EventFormatEmitter.Emit(contract));
        }

        if ((contract.Parts & GeneratedParts.Server) != 0)
        {
            context.AddSource(contract.HintNameStem + ".Server.g.cs", ServerEmitter.Emit(contract));
            if (contract.HasTopics)
            {
                context.AddSource(contract.HintNameStem + ".Publisher.g.cs", PublisherEmitter.Emit(contract));
            }
        }

        if ((contract.Parts & GeneratedParts.Client) != 0)
        {
            context.AddSource(contract.HintNameStem + ".Client.g.cs", ClientEmitter.Emit(contract));
        }
    }
}

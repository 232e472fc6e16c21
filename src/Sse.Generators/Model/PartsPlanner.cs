using System.Linq;

namespace Sse.Generators.Model;

/// <summary>Decides which parts of a contract a compilation generates, from the runtimes it references and what it asked for.</summary>
internal static class PartsPlanner
{
    /// <summary>
    /// A contract declared in this compilation: its server part where Sse.Runtime.AspNetCore is referenced, otherwise
    /// its client part where Sse.Runtime is; and its client part too where <c>[assembly: SseClient]</c> names it.
    /// </summary>
    public static ContractModel ForLocal(ContractModel contract, EquatableArray<string> localClients, Capabilities capabilities)
    {
        var parts = capabilities.HasServerRuntime ? GeneratedParts.Server
            : capabilities.HasClientRuntime ? GeneratedParts.Client
            : GeneratedParts.None;
        if (capabilities.HasClientRuntime && localClients.Contains(contract.InterfaceFullName))
        {
            parts |= GeneratedParts.Client;
        }

        return contract with { Parts = parts };
    }

    /// <summary>A contract from a referenced assembly: the parts asked for, each where its runtime is referenced.</summary>
    public static ContractModel ForReferenced(ContractModel contract, Capabilities capabilities)
    {
        var parts = contract.Parts;
        if (!capabilities.HasServerRuntime)
        {
            parts &= ~GeneratedParts.Server;
        }

        if (!capabilities.HasClientRuntime)
        {
            parts &= ~GeneratedParts.Client;
        }

        return contract with { Parts = parts };
    }
}

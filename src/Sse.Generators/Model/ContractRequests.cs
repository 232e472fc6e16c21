namespace Sse.Generators.Model;

/// <summary>
/// What a compilation's <c>[assembly: SseClient(typeof(T))]</c> and <c>[assembly: SseServer(typeof(T))]</c> ask for:
/// contracts from referenced assemblies (parsed, with the parts asked for), and the contracts declared here whose
/// client a server project wants too.
/// </summary>
/// <param name="Referenced">Contracts declared in referenced assemblies, one model per contract with the union of the parts asked for.</param>
/// <param name="LocalClients">The <c>global::</c>-qualified names of contracts declared in this compilation whose client is asked for.</param>
internal sealed record ContractRequests(EquatableArray<ContractModel> Referenced, EquatableArray<string> LocalClients)
{
    public static readonly ContractRequests Empty = new(EquatableArray<ContractModel>.Empty, EquatableArray<string>.Empty);
}

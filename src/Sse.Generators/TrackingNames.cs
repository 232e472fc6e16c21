namespace Sse.Generators;

/// <summary>The names of the pipeline's steps, which the incrementality tests assert on.</summary>
internal static class TrackingNames
{
    public const string Capabilities = nameof(Capabilities);
    public const string Contracts = nameof(Contracts);
    public const string ClientRequests = nameof(ClientRequests);
    public const string ServerRequests = nameof(ServerRequests);
    public const string Requests = nameof(Requests);
    public const string LocalContracts = nameof(LocalContracts);
    public const string ReferencedContracts = nameof(ReferencedContracts);
    public const string TypeScriptSettings = nameof(TypeScriptSettings);
    public const string TypeScriptClients = nameof(TypeScriptClients);
}

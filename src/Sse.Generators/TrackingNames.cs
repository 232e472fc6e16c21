namespace Sse.Generators;

/// <summary>The names of the pipeline's steps, which the incrementality tests assert on.</summary>
internal static class TrackingNames
{
    public const string Contracts = nameof(Contracts);
    public const string ReferencedContracts = nameof(ReferencedContracts);
    public const string Capabilities = nameof(Capabilities);
    public const string ServerContracts = nameof(ServerContracts);
    public const string ClientContracts = nameof(ClientContracts);
}

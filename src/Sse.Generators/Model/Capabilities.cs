using Microsoft.CodeAnalysis;

namespace Sse.Generators.Model;

/// <summary>Which runtimes the compilation references: the server part needs Sse.Runtime.AspNetCore, the client part Sse.Runtime.</summary>
internal readonly record struct Capabilities(bool HasServerRuntime, bool HasClientRuntime)
{
    public const string ServerRuntimeMarker = "Sse.Runtime.AspNetCore.Infrastructure.SseEndpoint";
    public const string ClientRuntimeMarker = "Sse.Runtime.Infrastructure.SseStreamReader";

    public static Capabilities From(Compilation compilation) => new(
        compilation.GetTypeByMetadataName(ServerRuntimeMarker) is not null,
        compilation.GetTypeByMetadataName(ClientRuntimeMarker) is not null);
}

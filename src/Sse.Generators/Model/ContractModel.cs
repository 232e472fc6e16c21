namespace Sse.Generators.Model;

/// <summary>One <c>[SseStream]</c> interface, with every name the emitters print already computed.</summary>
/// <param name="Namespace">The interface's namespace, empty for the global namespace.</param>
/// <param name="InterfaceName">The interface's simple name, <c>IStockFeed</c>.</param>
/// <param name="InterfaceFullName">The <c>global::</c>-qualified interface name.</param>
/// <param name="Name">
/// The contract's name, <c>StockFeed</c>: the interface name without its leading <c>I</c>. Every generated type starts
/// with it, and it names the endpoints (<c>StockFeed.Prices</c>), their OpenAPI tag and the client's options.
/// </param>
/// <param name="Accessibility">The generated types' accessibility, <c>public</c> or <c>internal</c>.</param>
/// <param name="RoutePrefix">The normalized route prefix, <c>/stocks</c>, or empty.</param>
/// <param name="JsonContextFullName">The <c>global::</c>-qualified JSON context type.</param>
/// <param name="Methods">The contract's methods.</param>
/// <param name="MetadataName">The interface's metadata name (<c>Ns.Outer+IFeed</c>), to find it again in a compilation.</param>
/// <param name="JsonContextMetadataName">The JSON context's metadata name.</param>
/// <param name="Parts">Which parts this compilation generates; decided by the pipeline from the runtimes referenced and what was asked for.</param>
internal sealed record ContractModel(
    string Namespace,
    string InterfaceName,
    string InterfaceFullName,
    string Name,
    string Accessibility,
    string RoutePrefix,
    string JsonContextFullName,
    EquatableArray<MethodModel> Methods,
    string MetadataName,
    string JsonContextMetadataName,
    GeneratedParts Parts = GeneratedParts.None)
{
    /// <summary>Whether any method is a topic subscription, so the contract has a publisher.</summary>
    public bool HasTopics => Any(MethodRole.Topic);

    /// <summary>Whether any method needs the contract's implementation on the server (a stream or a command, not a topic).</summary>
    public bool NeedsImplementation => Any(MethodRole.Stream) || Any(MethodRole.Command) || Any(MethodRole.Run);

    /// <summary>Whether the server needs the hub: for its topics, or for its runs (kept in the topic log).</summary>
    public bool NeedsHub => Any(MethodRole.Topic) || Any(MethodRole.Run);

    /// <summary>Whether any method streams (itself or from a topic), so the contract has event formats.</summary>
    public bool HasStreams => Any(MethodRole.Stream) || Any(MethodRole.Topic) || Any(MethodRole.Run);

    /// <summary>The hint name stem: <c>{Namespace}.{Interface}</c>.</summary>
    public string HintNameStem => Namespace.Length == 0 ? InterfaceName : Namespace + "." + InterfaceName;

    private bool Any(MethodRole kind)
    {
        foreach (var method in Methods)
        {
            if (method.Kind == kind)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>global::</c>-qualified name of a generated type in the contract's namespace.</summary>
    public string GeneratedTypeFullName(string suffix) => (Namespace.Length == 0 ? "global::" : "global::" + Namespace + ".") + Name + suffix;
}

/// <summary>The parts of a contract a compilation generates.</summary>
[System.Flags]
internal enum GeneratedParts
{
    None = 0,
    Server = 1,
    Client = 2,
    Both = Server | Client,
}

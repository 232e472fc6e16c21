namespace Sse.Generators.Model;

/// <summary>One <c>[SseStream]</c> interface, with every name the emitters print already computed.</summary>
/// <param name="Namespace">The interface's namespace, empty for the global namespace.</param>
/// <param name="InterfaceName">The interface's simple name, <c>IStockFeed</c>.</param>
/// <param name="InterfaceFullName">The <c>global::</c>-qualified interface name.</param>
/// <param name="BaseName">The name the generated types start with, <c>StockFeed</c>.</param>
/// <param name="Accessibility">The generated types' accessibility, <c>public</c> or <c>internal</c>.</param>
/// <param name="RoutePrefix">The normalized route prefix, <c>/stocks</c>, or empty.</param>
/// <param name="JsonContextFullName">The <c>global::</c>-qualified JSON context type.</param>
/// <param name="Methods">The contract's methods.</param>
/// <param name="Parts">Which parts to generate: both for a contract declared here, one for <c>[assembly: SseServer/SseClient]</c>.</param>
internal sealed record ContractModel(
    string Namespace,
    string InterfaceName,
    string InterfaceFullName,
    string BaseName,
    string Accessibility,
    string RoutePrefix,
    string JsonContextFullName,
    EquatableArray<MethodModel> Methods,
    GeneratedParts Parts = GeneratedParts.Both)
{
    /// <summary>The hint name stem: <c>{Namespace}.{Interface}</c>.</summary>
    public string HintNameStem => Namespace.Length == 0 ? InterfaceName : Namespace + "." + InterfaceName;
}

/// <summary>The parts of a contract a project asks for.</summary>
[System.Flags]
internal enum GeneratedParts
{
    Server = 1,
    Client = 2,
    Both = Server | Client,
}

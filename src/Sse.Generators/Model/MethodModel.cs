namespace Sse.Generators.Model;

/// <summary>One contract method: an endpoint on the server, a proxy method on the client.</summary>
/// <param name="Name">The method name.</param>
/// <param name="HttpMethod">The HTTP method, <c>GET</c> or <c>POST</c>.</param>
/// <param name="Route">The route relative to the contract's prefix, normalized to start with <c>/</c> (or empty): what the endpoint is mapped at.</param>
/// <param name="FullRoute">The whole route, prefix included (<c>/stocks/prices/{symbol}</c>): what the client requests.</param>
/// <param name="RouteParts"><see cref="FullRoute"/> split into literal and parameter parts, each parameter part naming the method parameter it binds.</param>
/// <param name="ReturnTypeFullName">The method's return type as printed.</param>
/// <param name="Item">The streamed item type and how it maps to events; <see langword="null"/> for a command.</param>
/// <param name="ReturnsSseItem">Whether the method returns <c>IAsyncEnumerable&lt;SseItem&lt;T&gt;&gt;</c>.</param>
/// <param name="Parameters">The method's parameters, in declaration order.</param>
/// <param name="Documentation">The method's XML documentation lines (without <c>///</c>), or empty.</param>
/// <param name="Kind">A stream, a topic subscription or a command.</param>
/// <param name="Topic">For a topic method: its topic.</param>
/// <param name="Result">For a command returning <c>Task&lt;T&gt;</c>: its result.</param>
internal sealed record MethodModel(
    string Name,
    string HttpMethod,
    string Route,
    string FullRoute,
    EquatableArray<RoutePart> RouteParts,
    string ReturnTypeFullName,
    ItemModel? Item,
    bool ReturnsSseItem,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<string> Documentation = default,
    MethodRole Kind = MethodRole.Stream,
    TopicModel? Topic = null,
    CommandResultModel? Result = null)
{
    /// <summary>The streamed item of a stream or topic method.</summary>
    public ItemModel StreamItem => Item ?? throw new System.InvalidOperationException($"'{Name}' is a command; it streams nothing.");

    /// <summary>The JSON body parameter, if the method has one.</summary>
    public ParameterModel? Body => Find(static p => p.Source == ParameterSource.Body);

    /// <summary>The <c>[LastEventId]</c> parameter, if the method has one.</summary>
    public ParameterModel? LastEventId => Find(static p => p.Source == ParameterSource.LastEventId);

    /// <summary>
    /// Whether the server can resume the stream after a Last-Event-ID, so a client reconnects and resumes by itself: the
    /// method has a <c>[LastEventId]</c> parameter, or is a topic (the hub keeps recent events).
    /// </summary>
    public bool IsResumable => LastEventId is not null || Kind is MethodRole.Topic or MethodRole.Run;

    /// <summary>For a run: the path its runs are attached and cancelled at, before the id (<c>/api/complete/runs/</c>).</summary>
    public string RunsPath => FullRoute.TrimEnd('/') + "/runs/";

    /// <summary>The cancellation token parameter, if the method has one.</summary>
    public ParameterModel? CancellationToken => Find(static p => p.Source == ParameterSource.CancellationToken);

    /// <summary>The parameter a route part binds.</summary>
    public ParameterModel ParameterOf(RoutePart part)
    {
        System.Diagnostics.Debug.Assert(part.ParameterName is not null, "Only parameter parts bind a parameter.");
        return Find(p => p.Name == part.ParameterName) ?? throw new System.InvalidOperationException($"No parameter '{part.ParameterName}' for route part '{part.Text}'.");
    }

    private ParameterModel? Find(System.Func<ParameterModel, bool> predicate)
    {
        foreach (var parameter in Parameters)
        {
            if (predicate(parameter))
            {
                return parameter;
            }
        }

        return null;
    }
}

/// <summary>A literal piece of a route template, or a parameter.</summary>
/// <param name="Text">The literal text, or the route parameter's name as the template spells it.</param>
/// <param name="IsParameter">Whether this part is a parameter.</param>
/// <param name="IsCatchAll">For a parameter: <c>{*name}</c> or <c>{**name}</c>.</param>
/// <param name="IsOptional">For a parameter: <c>{name?}</c> or with a default, <c>{name=x}</c>.</param>
/// <param name="ParameterName">For a parameter: the C# name of the method parameter it binds (set by the parser).</param>
internal readonly record struct RoutePart(string Text, bool IsParameter, bool IsCatchAll, bool IsOptional, string? ParameterName = null);

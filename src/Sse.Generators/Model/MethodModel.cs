namespace Sse.Generators.Model;

/// <summary>One contract method: an endpoint on the server, a proxy method on the client.</summary>
/// <param name="Name">The method name.</param>
/// <param name="HttpMethod">The HTTP method, <c>GET</c> or <c>POST</c>.</param>
/// <param name="Route">The route relative to the contract's prefix, normalized to start with <c>/</c> (or empty).</param>
/// <param name="RouteParts">The full route (prefix included) split into literal and parameter parts, for the client.</param>
/// <param name="ReturnTypeFullName">The method's return type as printed.</param>
/// <param name="Item">The streamed item type and how it maps to events.</param>
/// <param name="ReturnsSseItem">Whether the method returns <c>IAsyncEnumerable&lt;SseItem&lt;T&gt;&gt;</c>.</param>
/// <param name="Parameters">The method's parameters, in declaration order.</param>
/// <param name="Documentation">The method's XML documentation lines (without <c>///</c>), or empty.</param>
internal sealed record MethodModel(
    string Name,
    string HttpMethod,
    string Route,
    EquatableArray<RoutePart> RouteParts,
    string ReturnTypeFullName,
    ItemModel Item,
    bool ReturnsSseItem,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<string> Documentation = default)
{
    /// <summary>The JSON body parameter, if the method has one.</summary>
    public ParameterModel? Body
    {
        get
        {
            foreach (var parameter in Parameters)
            {
                if (parameter.Source == ParameterSource.Body)
                {
                    return parameter;
                }
            }

            return null;
        }
    }
}

/// <summary>A literal piece of a route template, or a parameter.</summary>
internal readonly record struct RoutePart(string Text, bool IsParameter, bool IsCatchAll, bool IsOptional);

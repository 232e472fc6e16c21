using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>Turns one contract method into a <see cref="MethodModel"/>: its HTTP method, route, parameters and item type.</summary>
internal static class MethodParser
{
    private const string GetAttributeName = "Sse.Contracts.SseGetAttribute";
    private const string PostAttributeName = "Sse.Contracts.SsePostAttribute";
    private const string AsyncEnumerableName = "System.Collections.Generic.IAsyncEnumerable<T>";
    private const string SseItemName = "System.Net.ServerSentEvents.SseItem<T>";

    /// <summary>Parses a method; <see langword="null"/> when the method itself has an error (whatever earlier methods had).</summary>
    public static MethodModel? Parse(INamedTypeSymbol contract, IMethodSymbol method, string prefix, INamedTypeSymbol? jsonContext, DerivedTypeIndex derivedTypes, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        var display = contract.Name + "." + method.Name;
        var location = method.Locations.FirstOrDefault();
        var errorsBefore = sink.ErrorCount;
        if (method.IsGenericMethod)
        {
            // Nothing else about a generic method can be judged: its types are not known.
            sink.Report(DiagnosticDescriptors.GenericNotSupported, location, display);
            return null;
        }

        AttributeData? get = null, post = null;
        foreach (var attribute in method.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case GetAttributeName: get = attribute; break;
                case PostAttributeName: post = attribute; break;
            }
        }

        if (get is not null && post is not null)
        {
            sink.Report(DiagnosticDescriptors.ConflictingHttpAttributes, location, display);
            return null;
        }

        var httpAttribute = get ?? post;
        var httpMethod = post is not null ? "POST" : "GET";
        var route = httpAttribute is null
            ? "/" + ContractParser.KebabCase(method.Name)
            : httpAttribute.ConstructorArguments.Length > 0 && httpAttribute.ConstructorArguments[0].Value is string r ? r : string.Empty;
        var routeLocation = httpAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;

        if (method.ReturnType is not INamedTypeSymbol { IsGenericType: true } returnType
            || returnType.OriginalDefinition.ToDisplayString() != AsyncEnumerableName)
        {
            sink.Report(DiagnosticDescriptors.MustReturnAsyncEnumerable, location, display);
            return null;
        }

        var element = returnType.TypeArguments[0];
        var returnsSseItem = element is INamedTypeSymbol { IsGenericType: true } wrapper && wrapper.OriginalDefinition.ToDisplayString() == SseItemName;
        var itemType = returnsSseItem ? ((INamedTypeSymbol)element).TypeArguments[0] : element;

        var fullRoute = RouteTemplate.Combine(prefix, route);
        if (!RouteTemplate.TryParse(fullRoute, out var routeParts, out var routeError))
        {
            sink.Report(DiagnosticDescriptors.InvalidRouteTemplate, routeLocation, route, display, routeError);
            return null;
        }

        var routeNames = new HashSet<string>(routeParts.Where(static part => part.IsParameter).Select(static part => part.Text), System.StringComparer.OrdinalIgnoreCase);
        var parameters = new List<ParameterModel>();
        var context = new ParameterClassifier.MethodContext(display, routeNames, httpMethod == "POST", jsonContext, sink);
        foreach (var parameter in method.Parameters)
        {
            if (ParameterClassifier.Classify(parameter, context) is { } model)
            {
                parameters.Add(model);
            }
        }

        // Join the route and the parameters once, here: each parameter part names the parameter it binds, and each
        // route parameter carries its part's spelling and shape.
        for (var i = 0; i < routeParts.Count; i++)
        {
            var part = routeParts[i];
            if (!part.IsParameter)
            {
                continue;
            }

            var index = parameters.FindIndex(p => p.Source == ParameterSource.Route && string.Equals(p.WireName, part.Text, System.StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                if (!method.Parameters.Any(p => string.Equals(p.Name, part.Text, System.StringComparison.OrdinalIgnoreCase)))
                {
                    sink.Report(DiagnosticDescriptors.UnknownRouteParameter, routeLocation, display, part.Text);
                }

                continue;
            }

            routeParts[i] = part with { ParameterName = parameters[index].Name };
            parameters[index] = parameters[index] with { WireName = part.Text, IsCatchAll = part.IsCatchAll };
        }

        var item = ItemParser.Parse(itemType, jsonContext, display, sink, derivedTypes);
        if (item is null || sink.ErrorCount != errorsBefore)
        {
            return null;
        }

        return new MethodModel(
            method.Name,
            httpMethod,
            RouteTemplate.Normalize(route),
            fullRoute,
            routeParts.ToEquatableArray(),
            TypeNames.Full(method.ReturnType),
            item,
            returnsSseItem,
            parameters.ToEquatableArray(),
            DocumentationReader.Read(method, cancellationToken));
    }
}

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
    private const string TaskName = "System.Threading.Tasks.Task";
    private const string TaskOfTName = "System.Threading.Tasks.Task<TResult>";

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

        // A stream returns IAsyncEnumerable<T> (a topic stream has [SseTopic] too); a command returns Task or Task<T>.
        var topicAttribute = TopicParser.Find(method);
        var returnType = method.ReturnType as INamedTypeSymbol;
        var returnDefinition = returnType?.OriginalDefinition.ToDisplayString();
        MethodRole kind;
        ITypeSymbol? itemType = null;
        ITypeSymbol? resultType = null;
        var returnsSseItem = false;
        if (returnType is { IsGenericType: true } && returnDefinition == AsyncEnumerableName)
        {
            kind = topicAttribute is null ? MethodRole.Stream : MethodRole.Topic;
            var element = returnType.TypeArguments[0];
            returnsSseItem = element is INamedTypeSymbol { IsGenericType: true } wrapper && wrapper.OriginalDefinition.ToDisplayString() == SseItemName;
            itemType = returnsSseItem ? ((INamedTypeSymbol)element).TypeArguments[0] : element;
        }
        else if (returnType is not null && (returnType.ToDisplayString() == TaskName || returnDefinition == TaskOfTName))
        {
            kind = MethodRole.Command;
            resultType = returnType.IsGenericType ? returnType.TypeArguments[0] : null;
            if (topicAttribute is not null)
            {
                sink.Report(DiagnosticDescriptors.NotATopicMethod, location, display, "it is a command (it returns Task); a topic method streams IAsyncEnumerable<T>");
                return null;
            }
        }
        else
        {
            sink.Report(DiagnosticDescriptors.MustReturnAsyncEnumerable, location, display);
            return null;
        }

        if (kind == MethodRole.Topic && returnsSseItem)
        {
            sink.Report(DiagnosticDescriptors.NotATopicMethod, location, display, "it returns SseItem<T>, but the hub names and numbers topic events itself; stream the item type");
            return null;
        }

        // A command without [SseGet] is a POST; a stream without [SsePost] is a GET.
        var httpAttribute = get ?? post;
        var httpMethod = post is not null || (kind == MethodRole.Command && get is null) ? "POST" : "GET";
        var route = httpAttribute is null
            ? "/" + ContractParser.KebabCase(method.Name)
            : httpAttribute.ConstructorArguments.Length > 0 && httpAttribute.ConstructorArguments[0].Value is string r ? r : string.Empty;
        var routeLocation = httpAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;

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

        ItemModel? item = null;
        TopicModel? topic = null;
        CommandResultModel? result = null;
        if (kind == MethodRole.Command)
        {
            if (parameters.FirstOrDefault(static p => p.Source == ParameterSource.LastEventId) is { } lastEventId)
            {
                sink.Report(DiagnosticDescriptors.CommandParameterNotSupported, location, lastEventId.Name.TrimStart('@'), display, "[LastEventId]");
            }

            if (resultType is not null && jsonContext is not null)
            {
                if (JsonContextReader.FindTypeInfoProperty(jsonContext, resultType) is { } property)
                {
                    result = new CommandResultModel(TypeNames.Full(resultType), property, !resultType.IsValueType && resultType.NullableAnnotation == NullableAnnotation.Annotated);
                }
                else
                {
                    sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(resultType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), display);
                }
            }
        }
        else
        {
            item = ItemParser.Parse(itemType!, jsonContext, display, sink, derivedTypes);
            if (kind == MethodRole.Topic)
            {
                if (parameters.Any(static p => p.Source == ParameterSource.Body))
                {
                    sink.Report(DiagnosticDescriptors.NotATopicMethod, location, display, "it has a request body; a subscription names its topic with route, query or header values");
                }
                else if (parameters.Any(static p => p.Source == ParameterSource.LastEventId))
                {
                    sink.Report(DiagnosticDescriptors.NotATopicMethod, location, display, "it has a [LastEventId] parameter, but the hub resumes topic streams itself");
                }
                else
                {
                    topic = TopicParser.Parse(topicAttribute!, display, parameters, sink, topicAttribute!.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location);
                }
            }
        }

        if ((kind != MethodRole.Command && item is null) || sink.ErrorCount != errorsBefore)
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
            DocumentationReader.Read(method, cancellationToken),
            kind,
            topic,
            result);
    }
}

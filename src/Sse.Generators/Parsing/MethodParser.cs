using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Sse.Generators.Diagnostics;
using Sse.Generators.Model;

namespace Sse.Generators.Parsing;

/// <summary>
/// Turns one contract method into a <see cref="MethodModel"/>, in stages: its HTTP attribute, its shape (a stream, a
/// topic or a command, from what it returns), its route and parameters joined, then what it streams or answers.
/// </summary>
internal static class MethodParser
{
    /// <summary>What every stage knows about the method being parsed.</summary>
    private sealed record Scope(IMethodSymbol Method, string Display, Location? Location, KnownSymbols Known, INamedTypeSymbol? JsonContext, DiagnosticSink Sink, CancellationToken CancellationToken);

    /// <summary>What a method returns: its role, and its item or result type.</summary>
    private sealed record Shape(MethodRole Kind, ITypeSymbol? ItemType, ITypeSymbol? ResultType, bool ReturnsSseItem, AttributeData? TopicAttribute);

    /// <summary>Parses a method; <see langword="null"/> when the method itself has an error (whatever earlier methods had).</summary>
    public static MethodModel? Parse(INamedTypeSymbol contract, IMethodSymbol method, string prefix, INamedTypeSymbol? jsonContext, DerivedTypeIndex derivedTypes, KnownSymbols known, DiagnosticSink sink, CancellationToken cancellationToken)
    {
        var scope = new Scope(method, contract.Name + "." + method.Name, method.Locations.FirstOrDefault(), known, jsonContext, sink, cancellationToken);
        var errorsBefore = sink.ErrorCount;
        if (method.IsGenericMethod)
        {
            // Nothing else about a generic method can be judged: its types are not known.
            sink.Report(DiagnosticDescriptors.GenericNotSupported, scope.Location, scope.Display);
            return null;
        }

        if (!ReadHttpAttribute(scope, out var httpAttribute, out var isPost) || ReadShape(scope) is not { } shape)
        {
            return null;
        }

        // A command or a run without [SseGet] is a POST; a stream without [SsePost] is a GET.
        var httpMethod = isPost || (shape.Kind is MethodRole.Command or MethodRole.Run && httpAttribute is null) ? "POST" : "GET";
        var route = httpAttribute is null
            ? "/" + Common.Naming.KebabCase(method.Name)
            : httpAttribute.ConstructorArguments.Length > 0 && httpAttribute.ConstructorArguments[0].Value is string r ? r : string.Empty;
        var routeLocation = httpAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? scope.Location;
        var fullRoute = RouteTemplate.Combine(prefix, route);
        if (!RouteTemplate.TryParse(fullRoute, out var routeParts, out var routeError))
        {
            sink.Report(DiagnosticDescriptors.InvalidRouteTemplate, routeLocation, route, scope.Display, routeError);
            return null;
        }

        var parameters = BindParameters(scope, routeParts, httpMethod == "POST", routeLocation);
        ItemModel? item = null;
        TopicModel? topic = null;
        CommandResultModel? result = null;
        if (shape.Kind == MethodRole.Command)
        {
            result = ReadCommand(scope, shape, parameters);
        }
        else
        {
            item = ItemParser.Parse(shape.ItemType!, jsonContext, scope.Display, known, sink, derivedTypes);
            if (shape.Kind == MethodRole.Topic)
            {
                topic = ReadTopic(scope, shape, parameters);
            }
            else if (shape.Kind == MethodRole.Run)
            {
                CheckRun(scope, httpMethod, routeParts, parameters);
            }
        }

        if ((shape.Kind != MethodRole.Command && item is null) || sink.ErrorCount != errorsBefore)
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
            shape.ReturnsSseItem,
            parameters.ToEquatableArray(),
            DocumentationReader.Read(method, cancellationToken),
            shape.Kind,
            topic,
            result);
    }

    /// <summary>Stage 1: <c>[SseGet]</c> or <c>[SsePost]</c>, not both.</summary>
    private static bool ReadHttpAttribute(Scope scope, out AttributeData? httpAttribute, out bool isPost)
    {
        var get = KnownSymbols.Find(scope.Method, scope.Known.SseGetAttribute);
        var post = KnownSymbols.Find(scope.Method, scope.Known.SsePostAttribute);
        httpAttribute = get ?? post;
        isPost = post is not null;
        if (get is not null && post is not null)
        {
            scope.Sink.Report(DiagnosticDescriptors.ConflictingHttpAttributes, scope.Location, scope.Display);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Stage 2: a stream returns <c>IAsyncEnumerable&lt;T&gt;</c> (of <c>SseItem&lt;T&gt;</c> to name each event itself;
    /// with <c>[SseTopic]</c> it is a topic's); a command returns <c>Task</c> or <c>Task&lt;T&gt;</c>.
    /// </summary>
    private static Shape? ReadShape(Scope scope)
    {
        var known = scope.Known;
        var topicAttribute = KnownSymbols.Find(scope.Method, known.SseTopicAttribute);
        var returnType = scope.Method.ReturnType as INamedTypeSymbol;
        if (returnType is { IsGenericType: true } && KnownSymbols.Is(returnType, known.AsyncEnumerable))
        {
            var element = returnType.TypeArguments[0];
            var returnsSseItem = element is INamedTypeSymbol { IsGenericType: true } && KnownSymbols.Is(element, known.SseItem);
            if (KnownSymbols.Find(scope.Method, known.SseRunAttribute) is not null)
            {
                var why = topicAttribute is not null ? "it is a topic; a run streams what its own work produces"
                    : returnsSseItem ? "it returns SseItem<T>, but the topic log names and numbers a run's events; stream the item type"
                    : null;
                if (why is not null)
                {
                    scope.Sink.Report(DiagnosticDescriptors.NotARunMethod, scope.Location, scope.Display, why);
                    return null;
                }

                return new Shape(MethodRole.Run, element, null, ReturnsSseItem: false, null);
            }

            if (topicAttribute is not null && returnsSseItem)
            {
                scope.Sink.Report(DiagnosticDescriptors.NotATopicMethod, scope.Location, scope.Display, "it returns SseItem<T>, but the hub names and numbers topic events itself; stream the item type");
                return null;
            }

            return new Shape(topicAttribute is null ? MethodRole.Stream : MethodRole.Topic, returnsSseItem ? ((INamedTypeSymbol)element).TypeArguments[0] : element, null, returnsSseItem, topicAttribute);
        }

        if (returnType is not null && (KnownSymbols.Is(returnType, known.Task) || KnownSymbols.Is(returnType, known.TaskOfT)))
        {
            if (KnownSymbols.Find(scope.Method, known.SseRunAttribute) is not null)
            {
                scope.Sink.Report(DiagnosticDescriptors.NotARunMethod, scope.Location, scope.Display, "it is a command (it returns Task); a run streams IAsyncEnumerable<T>");
                return null;
            }

            if (topicAttribute is not null)
            {
                scope.Sink.Report(DiagnosticDescriptors.NotATopicMethod, scope.Location, scope.Display, "it is a command (it returns Task); a topic method streams IAsyncEnumerable<T>");
                return null;
            }

            return new Shape(MethodRole.Command, null, returnType.IsGenericType ? returnType.TypeArguments[0] : null, ReturnsSseItem: false, null);
        }

        scope.Sink.Report(DiagnosticDescriptors.MustReturnAsyncEnumerable, scope.Location, scope.Display);
        return null;
    }

    /// <summary>
    /// Stage 3: each parameter classified, then the route and the parameters joined once: each route part names the
    /// parameter it binds, and each route parameter carries its part's spelling and shape.
    /// </summary>
    private static List<ParameterModel> BindParameters(Scope scope, List<RoutePart> routeParts, bool isPost, Location? routeLocation)
    {
        var routeNames = new HashSet<string>(routeParts.Where(static part => part.IsParameter).Select(static part => part.Text), System.StringComparer.OrdinalIgnoreCase);
        var parameters = new List<ParameterModel>();
        var context = new ParameterClassifier.MethodContext(scope.Display, routeNames, isPost, scope.JsonContext, scope.Known, scope.Sink);
        foreach (var parameter in scope.Method.Parameters)
        {
            if (ParameterClassifier.Classify(parameter, context) is { } model)
            {
                parameters.Add(model);
            }
        }

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
                if (!scope.Method.Parameters.Any(p => string.Equals(p.Name, part.Text, System.StringComparison.OrdinalIgnoreCase)))
                {
                    scope.Sink.Report(DiagnosticDescriptors.UnknownRouteParameter, routeLocation, scope.Display, part.Text);
                }

                continue;
            }

            routeParts[i] = part with { ParameterName = parameters[index].Name };
            parameters[index] = parameters[index] with { WireName = part.Text, IsCatchAll = part.IsCatchAll };
        }

        return parameters;
    }

    /// <summary>Stage 4, a command: no <c>[LastEventId]</c>; its result type listed in the JSON context.</summary>
    private static CommandResultModel? ReadCommand(Scope scope, Shape shape, List<ParameterModel> parameters)
    {
        if (parameters.FirstOrDefault(static p => p.Source == ParameterSource.LastEventId) is { } lastEventId)
        {
            scope.Sink.Report(DiagnosticDescriptors.CommandParameterNotSupported, scope.Location, lastEventId.Name.TrimStart('@'), scope.Display, "[LastEventId]");
        }

        if (shape.ResultType is not { } resultType || scope.JsonContext is not { } jsonContext)
        {
            return null;
        }

        if (JsonContextReader.FindTypeInfoProperty(jsonContext, resultType, scope.Known) is { } property)
        {
            return new CommandResultModel(TypeNames.Full(resultType), property, !resultType.IsValueType && resultType.NullableAnnotation == NullableAnnotation.Annotated);
        }

        scope.Sink.Report(DiagnosticDescriptors.ItemTypeNotInJsonContext, jsonContext.Locations.FirstOrDefault(), TypeNames.Short(jsonContext), TypeNames.Short(resultType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)), scope.Display);
        return null;
    }

    /// <summary>Stage 4, a run: a POST, no route parameters (its runs are attached at its route and their id), no <c>[LastEventId]</c>.</summary>
    private static void CheckRun(Scope scope, string httpMethod, List<RoutePart> routeParts, List<ParameterModel> parameters)
    {
        var why = httpMethod != "POST" ? "it is a GET; a run is started by a POST ([SsePost]), and attached to by GET"
            : routeParts.Any(static part => part.IsParameter) ? "its route has parameters; its runs are attached at its route and their id, so pass such values in the body, the query or a header"
            : parameters.Any(static p => p.Source == ParameterSource.LastEventId) ? "it has a [LastEventId] parameter, but the topic log resumes a run itself"
            : null;
        if (why is not null)
        {
            scope.Sink.Report(DiagnosticDescriptors.NotARunMethod, scope.Location, scope.Display, why);
        }
    }

    /// <summary>Stage 4, a topic stream: no body, no <c>[LastEventId]</c> (the hub resumes it); its template.</summary>
    private static TopicModel? ReadTopic(Scope scope, Shape shape, List<ParameterModel> parameters)
    {
        if (parameters.Any(static p => p.Source == ParameterSource.Body))
        {
            scope.Sink.Report(DiagnosticDescriptors.NotATopicMethod, scope.Location, scope.Display, "it has a request body; a subscription names its topic with route, query or header values");
            return null;
        }

        if (parameters.Any(static p => p.Source == ParameterSource.LastEventId))
        {
            scope.Sink.Report(DiagnosticDescriptors.NotATopicMethod, scope.Location, scope.Display, "it has a [LastEventId] parameter, but the hub resumes topic streams itself");
            return null;
        }

        var attribute = shape.TopicAttribute!;
        return TopicParser.Parse(attribute, scope.Display, parameters, scope.Sink, attribute.ApplicationSyntaxReference?.GetSyntax(scope.CancellationToken).GetLocation() ?? scope.Location);
    }
}

using Microsoft.CodeAnalysis;

namespace Sse.Generators.Diagnostics;

/// <summary>The catalog of every diagnostic the generator's rules report. Help links point to <c>docs/diagnostics/{id}.md</c>.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Sse.Contracts";
    private const string HelpRoot = "https://github.com/sse-contracts/sse-contracts/blob/main/docs/diagnostics/";

    /// <summary>SSE001: "'{0}' must return IAsyncEnumerable&lt;T&gt; (a stream) or Task / Task&lt;T&gt; (a command)".</summary>
    public static readonly DiagnosticDescriptor MustReturnAsyncEnumerable = Error(
        DiagnosticIds.MustReturnAsyncEnumerable,
        "Contract method must return IAsyncEnumerable<T>, Task or Task<T>",
        "'{0}' must return IAsyncEnumerable<T> (a stream) or Task / Task<T> (a command)",
        "A contract method is a stream (IAsyncEnumerable<T> or IAsyncEnumerable<SseItem<T>>) or a command (Task, answered 204, or Task<T>, answered with JSON).");

    /// <summary>SSE002: "'{0}' is generic; contracts and their methods cannot have type parameters".</summary>
    public static readonly DiagnosticDescriptor GenericNotSupported = Error(
        DiagnosticIds.GenericNotSupported,
        "Generic contracts and methods are not supported",
        "'{0}' is generic; contracts and their methods cannot have type parameters",
        "The generated endpoint and client need concrete types and their JSON metadata at compile time.");

    /// <summary>SSE003: "'{0}' needs a JSON context: [SseStream(JsonContext = typeof(MyJsonContext))]".</summary>
    public static readonly DiagnosticDescriptor MissingJsonContext = Error(
        DiagnosticIds.MissingJsonContext,
        "Contract has no JsonContext",
        "'{0}' needs a JSON context: [SseStream(JsonContext = typeof(MyJsonContext))]",
        "Items are serialized with System.Text.Json source-generated metadata so that the contract works under trimming and Native AOT.");

    /// <summary>SSE004: "'{1}', the JsonContext of '{0}', does not derive from System.Text.Json.Serialization.JsonSerializerContext".</summary>
    public static readonly DiagnosticDescriptor InvalidJsonContext = Error(
        DiagnosticIds.InvalidJsonContext,
        "JsonContext is not a JsonSerializerContext",
        "'{1}', the JsonContext of '{0}', does not derive from System.Text.Json.Serialization.JsonSerializerContext",
        "Declare a partial class deriving from JsonSerializerContext with a [JsonSerializable(typeof(T))] for each streamed type.");

    /// <summary>SSE005: "'{0}' is not accessible from its namespace; make it public or internal".</summary>
    public static readonly DiagnosticDescriptor InaccessibleContract = Error(
        DiagnosticIds.InaccessibleContract,
        "Contract is not accessible",
        "'{0}' is not accessible from its namespace; make it public or internal",
        "The generated client and endpoint classes live in the contract's namespace and must be able to name the interface.");

    /// <summary>SSE006: "'{0}' is not a method; a contract declares only stream methods".</summary>
    public static readonly DiagnosticDescriptor UnsupportedMember = Error(
        DiagnosticIds.UnsupportedMember,
        "Contract member is not a method",
        "'{0}' is not a method; a contract declares only stream methods",
        "Properties, events and indexers cannot be mapped to server-sent-event endpoints.");

    /// <summary>SSE007: "'{0}' has both [SseGet] and [SsePost]; choose one".</summary>
    public static readonly DiagnosticDescriptor ConflictingHttpAttributes = Error(
        DiagnosticIds.ConflictingHttpAttributes,
        "Method has more than one HTTP attribute",
        "'{0}' has both [SseGet] and [SsePost]; choose one",
        "A contract method maps to exactly one endpoint.");

    /// <summary>SSE008: "'{0}' inherits '{1}'; a contract cannot inherit other interfaces".</summary>
    public static readonly DiagnosticDescriptor InheritedInterface = Error(
        DiagnosticIds.InheritedInterface,
        "Contract inherits another interface",
        "'{0}' inherits '{1}'; a contract cannot inherit other interfaces",
        "The generated client implements the contract; members of other interfaces would have no endpoint to call.");

    /// <summary>SSE009: "'{0}', named in [assembly: {1}], is not an [SseStream] interface".</summary>
    public static readonly DiagnosticDescriptor NotAContract = Error(
        DiagnosticIds.NotAContract,
        "Type is not a contract",
        "'{0}', named in [assembly: {1}], is not an [SseStream] interface",
        "[assembly: SseClient(typeof(T))] and [assembly: SseServer(typeof(T))] generate code for a contract declared in a referenced assembly.");

    /// <summary>SSE010: "The JsonContext '{1}' of '{0}' is not accessible from this project; make it public".</summary>
    public static readonly DiagnosticDescriptor JsonContextInaccessible = Error(
        DiagnosticIds.JsonContextInaccessible,
        "JsonContext is not accessible",
        "The JsonContext '{1}' of '{0}' is not accessible from this project; make it public",
        "Code generated for a contract from another assembly reads that contract's JsonContext, so the context must be public.");

    /// <summary>SSE011: "'{0}' is overloaded; each contract method needs a name of its own".</summary>
    public static readonly DiagnosticDescriptor OverloadedMethod = Error(
        DiagnosticIds.OverloadedMethod,
        "Contract method is overloaded",
        "'{0}' is overloaded; each contract method needs a name of its own",
        "Each method becomes an endpoint named after it ({Contract}.{Method}); overloads would give two endpoints one name, which ASP.NET Core refuses on every request.");

    /// <summary>SSE012: "'{0}' implements the contract '{1}' from assembly '{2}', but this project generates no endpoints for it; add [assembly: SseServer(typeof({1}))] to get Map{3}()".</summary>
    public static readonly DiagnosticDescriptor ReferencedContractNotGenerated = Warning(
        DiagnosticIds.ReferencedContractNotGenerated,
        "Implemented contract has no generated endpoints",
        "'{0}' implements the contract '{1}' from assembly '{2}', but this project generates no endpoints for it; add [assembly: SseServer(typeof({1}))] to get Map{3}()",
        "The server part of a contract declared in a referenced library is generated only where [assembly: SseServer(typeof(T))] asks for it.");

    /// <summary>SSE013: "The type '{0}' has the name of a type generated for a contract ({1}); rename it, or the contract".</summary>
    public static readonly DiagnosticDescriptor GeneratedNameTaken = Error(
        DiagnosticIds.GeneratedNameTaken,
        "Type has the name of a generated type",
        "The type '{0}' has the name of a type the generator writes in the same namespace ({1}); rename it, or the contract",
        "The generator writes {Name}Client, {Name}EndpointRouteBuilderExtensions, {Name}Publisher and other types next to a contract; a type of yours with one of those names would clash with it (CS0101).");

    /// <summary>SSE100: "Parameter '{0}' of '{1}' has type '{2}', which cannot bind from the route or query string".</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameterType = Error(
        DiagnosticIds.UnsupportedParameterType,
        "Parameter type is not supported",
        "Parameter '{0}' of '{1}' has type '{2}', which cannot bind from the route or query string",
        "Route and query parameters are strings, numbers, bool, Guid, enums, DateTime, DateTimeOffset, DateOnly, TimeOnly, TimeSpan or their nullable forms.");

    /// <summary>SSE101: "The route of '{0}' has the parameter '{1}', but the method has no parameter of that name".</summary>
    public static readonly DiagnosticDescriptor UnknownRouteParameter = Error(
        DiagnosticIds.UnknownRouteParameter,
        "Route parameter has no method parameter",
        "The route of '{0}' has the parameter '{1}', but the method has no parameter of that name",
        "Every {name} in a route template binds to the method parameter of the same name (case-insensitive).");

    /// <summary>SSE102: "The route '{0}' of '{1}' is not valid: {2}".</summary>
    public static readonly DiagnosticDescriptor InvalidRouteTemplate = Error(
        DiagnosticIds.InvalidRouteTemplate,
        "Route template is not valid",
        "The route '{0}' of '{1}' is not valid: {2}",
        "Route templates follow ASP.NET Core's syntax: literal text and {parameter} parts.");

    /// <summary>SSE103: "'{0}' and '{1}' both map {2} '{3}'".</summary>
    public static readonly DiagnosticDescriptor DuplicateRoute = Error(
        DiagnosticIds.DuplicateRoute,
        "Two methods map the same route",
        "'{0}' and '{1}' both map {2} '{3}'",
        "Each contract method needs a route of its own, or requests would be ambiguous at run time.");

    /// <summary>SSE104: "Parameter '{0}' of '{1}' is ref, out, in or params, which a stream request cannot carry".</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameterModifier = Error(
        DiagnosticIds.UnsupportedParameterModifier,
        "Parameter modifier is not supported",
        "Parameter '{0}' of '{1}' is ref, out, in or params, which a stream request cannot carry",
        "Parameters travel from the client to the server once, by value.");

    /// <summary>SSE105: "Parameter '{0}' of '{1}' has type '{2}', which would be the JSON body, but a GET request has no body; use [SsePost]".</summary>
    public static readonly DiagnosticDescriptor BodyOnGet = Error(
        DiagnosticIds.BodyOnGet,
        "Body parameter on a GET method",
        "Parameter '{0}' of '{1}' has type '{2}', which would be the JSON body, but a GET request has no body; use [SsePost]",
        "A parameter of a complex type travels as the JSON request body, which only [SsePost] methods have.");

    /// <summary>SSE106: "'{0}' has more than one body parameter ('{1}' and '{2}'); a request has one JSON body".</summary>
    public static readonly DiagnosticDescriptor TwoBodies = Error(
        DiagnosticIds.TwoBodies,
        "More than one body parameter",
        "'{0}' has more than one body parameter ('{1}' and '{2}'); a request has one JSON body",
        "Combine the values into one type, or pass the simple ones in the route, query or headers.");

    /// <summary>SSE107: "[LastEventId] parameter '{0}' of '{1}' has type '{2}'; it must be a string, a long or a Guid (nullable or not)".</summary>
    public static readonly DiagnosticDescriptor LastEventIdNotString = Error(
        DiagnosticIds.LastEventIdNotString,
        "[LastEventId] parameter type is not supported",
        "[LastEventId] parameter '{0}' of '{1}' has type '{2}'; it must be a string, a long or a Guid (nullable or not)",
        "The Last-Event-ID header carries the id text exactly as the server wrote it; the server reads it as text, or parses a number or Guid (an id that does not parse is answered with the cannot-resume event).");

    /// <summary>SSE108: "[SseHeader] on parameter '{0}' of '{1}' names '{2}', which is not a valid header name".</summary>
    public static readonly DiagnosticDescriptor InvalidHeaderName = Error(
        DiagnosticIds.InvalidHeaderName,
        "Header name is not valid",
        "[SseHeader] on parameter '{0}' of '{1}' names '{2}', which is not a valid header name",
        "A header name is a non-empty RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~.");

    /// <summary>SSE200: "'{0}' has no [JsonSerializable(typeof({1}))], which '{2}' needs to stream or send {1}".</summary>
    public static readonly DiagnosticDescriptor ItemTypeNotInJsonContext = Error(
        DiagnosticIds.ItemTypeNotInJsonContext,
        "Type is missing from the JsonContext",
        "'{0}' has no [JsonSerializable(typeof({1}))], which '{2}' needs to stream or send {1}",
        "The generated code reads each type's JsonTypeInfo from the contract's JsonContext; list every streamed and sent type on it.");

    /// <summary>SSE201: "[SseEvent] on '{0}' names '{1}'; an event name must not be empty, contain CR, LF or NUL, or be one of the reserved names {2}".</summary>
    public static readonly DiagnosticDescriptor InvalidEventName = Error(
        DiagnosticIds.InvalidEventName,
        "Event name is not valid",
        "[SseEvent] on '{0}' names '{1}'; an event name must not be empty, contain CR, LF or NUL, or be one of the reserved names {2}",
        "The event name is written in the single-line 'event:' field; a line break would end the field early.");

    /// <summary>SSE202: "The event name '{0}' is used by both '{1}' and '{2}'; the client could not tell them apart".</summary>
    public static readonly DiagnosticDescriptor DuplicateEventName = Error(
        DiagnosticIds.DuplicateEventName,
        "Event name used twice",
        "The event name '{0}' is used by both '{1}' and '{2}'; the client could not tell them apart",
        "The client picks the derived type to deserialize by event name, so each derived type of a streamed type needs its own.");

    /// <summary>SSE203: "The [SseEventId] property '{0}' has type '{1}', which cannot be an event id: {2}".</summary>
    public static readonly DiagnosticDescriptor InvalidEventIdType = Error(
        DiagnosticIds.InvalidEventIdType,
        "Event id property type is not supported",
        "The [SseEventId] property '{0}' has type '{1}', which cannot be an event id: {2}",
        "The id is written as text in the 'id:' field and sent back by reconnecting clients in Last-Event-ID, so it needs a stable text form.");

    /// <summary>SSE204: "'{0}' has two [SseEventId] properties, '{1}' and '{2}'; an event has one id".</summary>
    public static readonly DiagnosticDescriptor TwoEventIds = Error(
        DiagnosticIds.TwoEventIds,
        "More than one event id property",
        "'{0}' has two [SseEventId] properties, '{1}' and '{2}'; an event has one id",
        "Mark the one property whose value identifies the event.");

    /// <summary>SSE300: "The topic template '{0}' of '{1}' names '{2}', which is not a route, query or header parameter of the method (nor {{user}})".</summary>
    public static readonly DiagnosticDescriptor TopicTemplateUnknownParameter = Error(
        DiagnosticIds.TopicTemplateUnknownParameter,
        "Topic template names an unknown parameter",
        "The topic template '{0}' of '{1}' names '{2}', which is not a route, query or header parameter of the method (nor {{user}})",
        "Each {placeholder} of a topic template takes the value of the method parameter of that name, or, for {user}, the authenticated user's claim.");

    /// <summary>SSE301: "The topic template '{0}' of '{1}' is not valid: {2}".</summary>
    public static readonly DiagnosticDescriptor InvalidTopicTemplate = Error(
        DiagnosticIds.InvalidTopicTemplate,
        "Topic template is not valid",
        "The topic template '{0}' of '{1}' is not valid: {2}",
        "A topic template is text with {parameter} and {user} placeholders, such as \"rooms/{room}\".");

    /// <summary>SSE302: "'{0}' cannot be a topic: {1}".</summary>
    public static readonly DiagnosticDescriptor NotATopicMethod = Error(
        DiagnosticIds.NotATopicMethod,
        "Method cannot be a topic",
        "'{0}' cannot be a topic: {1}",
        "A topic method subscribes to events others publish: it streams IAsyncEnumerable<T>, takes no body, and resumes through the hub.");

    /// <summary>SSE305: "'{0}' cannot be a run: {1}".</summary>
    public static readonly DiagnosticDescriptor NotARunMethod = Error(
        DiagnosticIds.NotARunMethod,
        "Method cannot be a run",
        "'{0}' cannot be a run: {1}",
        "A run method is a POST that starts work under a server-issued id: it streams IAsyncEnumerable<T>, is not a topic, has no route parameters (its runs are attached at its route and their id) and no [LastEventId] (the topic log resumes it).");

    /// <summary>SSE303: "Parameter '{0}' of '{1}' is not in its topic template '{2}'; a topic stream has no implementation to pass it to".</summary>
    public static readonly DiagnosticDescriptor TopicParameterUnused = Error(
        DiagnosticIds.TopicParameterUnused,
        "Topic method parameter is not in the template",
        "Parameter '{0}' of '{1}' is not in its topic template '{2}'; a topic stream has no implementation to pass it to",
        "The generated endpoint of a topic method only subscribes to the topic its parameters name; a parameter outside the template would be ignored.");

    /// <summary>SSE304: "Parameter '{0}' of command '{1}' is {2}, which only a stream can have".</summary>
    public static readonly DiagnosticDescriptor CommandParameterNotSupported = Error(
        DiagnosticIds.CommandParameterNotSupported,
        "Command parameter is not supported",
        "Parameter '{0}' of command '{1}' is {2}, which only a stream can have",
        "A command is one request and one response: it does not resume from a Last-Event-ID.");

    private static DiagnosticDescriptor Warning(string id, string title, string message, string description) => new(
        id,
        title,
        message,
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: description,
        helpLinkUri: HelpRoot + id + ".md");

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) => new(
        id,
        title,
        message,
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: description,
        helpLinkUri: HelpRoot + id + ".md");
}

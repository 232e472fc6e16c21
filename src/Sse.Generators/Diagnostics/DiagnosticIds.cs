namespace Sse.Generators.Diagnostics;

/// <summary>
/// Every diagnostic id. Ranges: SSE001+ contract shape, SSE100+ parameters and routes, SSE200+ events and JSON, SSE300+ topics and commands,
/// SSE900+ internal. An id is never renumbered or reused.
/// </summary>
internal static class DiagnosticIds
{
    public const string MustReturnAsyncEnumerable = "SSE001";
    public const string GenericNotSupported = "SSE002";
    public const string MissingJsonContext = "SSE003";
    public const string InvalidJsonContext = "SSE004";
    public const string InaccessibleContract = "SSE005";
    public const string UnsupportedMember = "SSE006";
    public const string ConflictingHttpAttributes = "SSE007";
    public const string InheritedInterface = "SSE008";
    public const string NotAContract = "SSE009";
    public const string JsonContextInaccessible = "SSE010";
    public const string OverloadedMethod = "SSE011";
    public const string ReferencedContractNotGenerated = "SSE012";
    public const string GeneratedNameTaken = "SSE013";

    public const string UnsupportedParameterType = "SSE100";
    public const string UnknownRouteParameter = "SSE101";
    public const string InvalidRouteTemplate = "SSE102";
    public const string DuplicateRoute = "SSE103";
    public const string UnsupportedParameterModifier = "SSE104";
    public const string BodyOnGet = "SSE105";
    public const string TwoBodies = "SSE106";
    public const string LastEventIdNotString = "SSE107";
    public const string InvalidHeaderName = "SSE108";

    public const string ItemTypeNotInJsonContext = "SSE200";
    public const string InvalidEventName = "SSE201";
    public const string DuplicateEventName = "SSE202";
    public const string InvalidEventIdType = "SSE203";
    public const string TwoEventIds = "SSE204";

    public const string TopicTemplateUnknownParameter = "SSE300";
    public const string InvalidTopicTemplate = "SSE301";
    public const string NotATopicMethod = "SSE302";
    public const string TopicParameterUnused = "SSE303";
    public const string CommandParameterNotSupported = "SSE304";
    public const string NotARunMethod = "SSE305";
}

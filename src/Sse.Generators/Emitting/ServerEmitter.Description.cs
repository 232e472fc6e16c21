using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>The endpoint descriptions: what each method streams and binds, kept in endpoint metadata for API descriptions.</summary>
internal static partial class ServerEmitter
{
    private const string Runtime = "global::Sse.Runtime.AspNetCore";

    private static void WriteDescription(SourceWriter writer, MethodModel method, string field)
    {
        writer.WriteLine($"internal static readonly {Runtime}.SseEndpointDescription {field} = new(");
        using (writer.Indent())
        {
            if (method.Item is { } item)
            {
                writer.WriteLine($"new {Runtime}.SseEventDescription[]");
                writer.WriteLine("{");
                using (writer.Indent())
                {
                    // An SseItem<T> stream names its events item by item: only the data's type is known.
                    if (method.ReturnsSseItem)
                    {
                        writer.WriteLine($"new(null, typeof({item.TypeFullName}), HasId: true),");
                    }
                    else
                    {
                        foreach (var derived in item.Derived)
                        {
                            writer.WriteLine($"new({CSharpCode.Literal(derived.EventType)}, typeof({derived.TypeFullName}), HasId: {Bool(derived.EventId is not null)}),");
                        }

                        if (!item.IsPolymorphic || item.JsonTypeInfoProperty is not null)
                        {
                            var eventType = item.EventType is null ? "null" : CSharpCode.Literal(item.EventType);
                            writer.WriteLine($"new({eventType}, typeof({item.TypeFullName}), HasId: {Bool(item.EventId is not null || method.Kind == MethodRole.Topic)}),");
                        }
                    }
                }

                writer.WriteLine("},");
            }
            else
            {
                writer.WriteLine($"global::System.Array.Empty<{Runtime}.SseEventDescription>(),");
            }

            writer.WriteLine($"new {Runtime}.SseParameterDescription[]");
            writer.WriteLine("{");
            using (writer.Indent())
            {
                foreach (var parameter in method.Parameters)
                {
                    var location = parameter.Source switch
                    {
                        ParameterSource.Route => "Route",
                        ParameterSource.Query => "Query",
                        ParameterSource.Header or ParameterSource.LastEventId => "Header",
                        _ => null,
                    };
                    if (location is not null)
                    {
                        writer.WriteLine($"new({CSharpCode.Literal(parameter.WireName)}, {Runtime}.SseParameterLocation.{location}, typeof({parameter.ValueTypeFullName}), IsRequired: {Bool(parameter.IsRequired && parameter.Source != ParameterSource.LastEventId)}, IsArray: {Bool(parameter.IsArray)}),");
                    }
                }
            }

            writer.WriteLine("},");
            writer.WriteLine($"isResumable: {Bool(method.IsResumable)},");
            writer.WriteLine($"isTopic: {Bool(method.Kind == MethodRole.Topic)});");
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";
}

using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>The endpoint descriptions: what each method streams and binds, kept in endpoint metadata for API descriptions.</summary>
internal static partial class ServerEmitter
{
    private const string Runtime = "global::Sse.Runtime.AspNetCore";

    private const string Descriptions = Infrastructure + ".SseDescriptions";

    private static void WriteDescription(SourceWriter writer, ContractModel contract, MethodModel method, string field)
    {
        writer.WriteLine($"internal static readonly {Runtime}.SseEndpointDescription {field} = {Descriptions}.Endpoint(");
        using (writer.Indent())
        {
            writer.WriteLine($"{CSharpCode.Literal(EmitterCommon.DisplayName(contract, method))},");
            if (method.Item is { } item)
            {
                writer.WriteLine($"new {Runtime}.SseEventDescription[]");
                writer.WriteLine("{");
                using (writer.Indent())
                {
                    // An SseItem<T> stream names its events item by item: only the data's type is known.
                    if (method.ReturnsSseItem)
                    {
                        writer.WriteLine($"{Descriptions}.Event(null, typeof({item.TypeFullName}), hasId: true),");
                    }
                    else
                    {
                        foreach (var derived in item.Derived)
                        {
                            writer.WriteLine($"{Descriptions}.Event({CSharpCode.Literal(derived.EventType)}, typeof({derived.TypeFullName}), hasId: {Bool(derived.EventId is not null)}),");
                        }

                        if (item.SendsItself)
                        {
                            var eventType = item.EventType is null ? "null" : CSharpCode.Literal(item.EventType);
                            writer.WriteLine($"{Descriptions}.Event({eventType}, typeof({item.TypeFullName}), hasId: {Bool(item.EventId is not null || method.Kind is MethodRole.Topic or MethodRole.Run)}),");
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
                        writer.WriteLine($"{Descriptions}.Parameter({CSharpCode.Literal(parameter.WireName)}, {Runtime}.SseParameterLocation.{location}, typeof({parameter.ValueTypeFullName}), isRequired: {Bool(parameter.IsRequired && parameter.Source != ParameterSource.LastEventId)}, isArray: {Bool(parameter.IsArray)}),");
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

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Sse.Runtime.AspNetCore.OpenApi;

/// <summary>Rewrites the operation of each generated endpoint from its <see cref="SseEndpointDescription"/>.</summary>
internal sealed class SseOperationTransformer : IOpenApiOperationTransformer
{
    /// <summary>The extension that carries each event's schema: OpenAPI 3.2's <c>itemSchema</c>, which 3.1 has no field for.</summary>
    public const string ItemSchemaExtension = "x-itemSchema";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description.ActionDescriptor.EndpointMetadata.OfType<SseEndpointDescription>().LastOrDefault();
        if (description is null)
        {
            return;
        }

        await DescribeParametersAsync(operation, description, context, cancellationToken).ConfigureAwait(false);
        if (description.Events.Count > 0)
        {
            await DescribeEventsAsync(operation, description, context, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task DescribeParametersAsync(OpenApiOperation operation, SseEndpointDescription description, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var parameters = operation.Parameters ??= new List<IOpenApiParameter>();
        foreach (var parameter in description.Parameters)
        {
            var location = parameter.Location switch
            {
                SseParameterLocation.Route => ParameterLocation.Path,
                SseParameterLocation.Header => ParameterLocation.Header,
                _ => ParameterLocation.Query,
            };
            for (var i = parameters.Count - 1; i >= 0; i--)
            {
                if (string.Equals(parameters[i].Name, parameter.Name, StringComparison.OrdinalIgnoreCase) && parameters[i].In == location)
                {
                    parameters.RemoveAt(i);
                }
            }

            IOpenApiSchema schema = await context.GetOrCreateSchemaAsync(parameter.Type, null, cancellationToken).ConfigureAwait(false);
            if (parameter.IsArray)
            {
                schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema };
            }

            var described = new OpenApiParameter
            {
                Name = parameter.Name,
                In = location,
                Required = parameter.IsRequired || location == ParameterLocation.Path,
                Schema = schema,
                Description = string.Equals(parameter.Name, "Last-Event-ID", StringComparison.OrdinalIgnoreCase)
                    ? "The id of the last event the client received: the stream resumes after it."
                    : null,
            };
            if (parameter.IsArray)
            {
                // A repeated key: ?ids=1&ids=2.
                described.Style = ParameterStyle.Form;
                described.Explode = true;
            }

            parameters.Add(described);
        }
    }

    private static async Task DescribeEventsAsync(OpenApiOperation operation, SseEndpointDescription description, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The OpenAPI document is not available to the operation transformer.");
        var events = new List<IOpenApiSchema>();
        foreach (var item in description.Events)
        {
            events.Add(await EventSchemaAsync(item, document, context, cancellationToken).ConfigureAwait(false));
        }

        // The events of one endpoint are a component of their own, so the extension is a plain reference.
        var name = (context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>().LastOrDefault()?.EndpointName
            ?? operation.OperationId ?? "Stream") + ".Event";
        var itemSchema = events.Count == 1
            ? (OpenApiSchema)events[0]
            : new OpenApiSchema { OneOf = events };
        itemSchema.Description = description.IsResumable
            ? "One event of the stream. The stream resumes after the id a reconnecting client sends as Last-Event-ID."
            : "One event of the stream.";
        document.AddComponent(name, itemSchema);

        var media = new OpenApiMediaType
        {
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = $"A text/event-stream; each event is described by {ItemSchemaExtension} (OpenAPI 3.2's itemSchema)." },
        };
        media.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        media.Extensions[ItemSchemaExtension] = new JsonNodeExtension(new JsonObject { ["$ref"] = "#/components/schemas/" + name });

        operation.Responses ??= new OpenApiResponses();
        if (!operation.Responses.TryGetValue("200", out var ok) || ok is not OpenApiResponse response)
        {
            response = new OpenApiResponse();
            operation.Responses["200"] = response;
        }

        response.Description = "The event stream.";
        response.Content = new Dictionary<string, OpenApiMediaType> { ["text/event-stream"] = media };
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-sse-resumable"] = new JsonNodeExtension(JsonValue.Create(description.IsResumable));
    }

    /// <summary>One event: its <c>event</c> name (absent for <c>message</c>), its <c>id</c>, and its <c>data</c> as JSON of the item's schema.</summary>
    private static async Task<IOpenApiSchema> EventSchemaAsync(SseEventDescription item, OpenApiDocument document, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, IOpenApiSchema>();
        var required = new HashSet<string> { "data" };
        if (item.EventType is { } eventType)
        {
            properties["event"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = eventType };
            required.Add("event");
        }

        if (item.HasId)
        {
            properties["id"] = new OpenApiSchema { Type = JsonSchemaType.String };
        }

        if (item.DataType == typeof(string))
        {
            properties["data"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Plain text; each line is its own data: line." };
        }
        else
        {
            var dataSchema = await context.GetOrCreateSchemaAsync(item.DataType, null, cancellationToken).ConfigureAwait(false);
            var id = SchemaId(item.DataType);
            document.AddComponent(id, dataSchema);
            properties["data"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                ContentMediaType = "application/json",
                ContentSchema = new OpenApiSchemaReference(id, document),
            };
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = properties,
            Required = required,
            Title = item.EventType ?? "message",
        };
    }

    /// <summary>The component name of a type, as ASP.NET Core names them by default (the type's name).</summary>
    private static string SchemaId(Type type) => type.IsGenericType
        ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaId))
        : type.Name;
}

using System;
using System.Linq;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;

namespace Sse.Runtime.AspNetCore.OpenApi;

/// <summary>
/// Lists the generated endpoints in ASP.NET Core's API explorer. They are request delegates that bind the request
/// themselves (no reflection, so Native AOT works), which the explorer cannot look into; their
/// <see cref="SseEndpointDescription"/> says what they take and answer instead.
/// </summary>
internal sealed class SseApiDescriptionProvider(EndpointDataSource endpoints) : IApiDescriptionProvider
{
    /// <summary>After the built-in providers.</summary>
    public int Order => 1000;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<SseEndpointDescription>() is not { } description
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } methods
                || context.Results.Any(existing => existing.ActionDescriptor.EndpointMetadata.Contains(description)))
            {
                continue;
            }

            foreach (var method in methods)
            {
                context.Results.Add(Describe(endpoint, method));
            }
        }
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
    }

    private static ApiDescription Describe(RouteEndpoint endpoint, string httpMethod)
    {
        var api = new ApiDescription
        {
            HttpMethod = httpMethod,
            RelativePath = endpoint.RoutePattern.RawText?.TrimStart('/'),
            ActionDescriptor = new ActionDescriptor
            {
                DisplayName = endpoint.DisplayName,
                EndpointMetadata = [.. endpoint.Metadata],
                RouteValues = { ["controller"] = endpoint.Metadata.GetMetadata<ITagsMetadata>()?.Tags is { Count: > 0 } tags ? tags[0] : string.Empty },
            },
        };

        foreach (var produces in endpoint.Metadata.OfType<IProducesResponseTypeMetadata>())
        {
            var response = new ApiResponseType { StatusCode = produces.StatusCode, Type = produces.Type, IsDefaultResponse = false };
            foreach (var contentType in produces.ContentTypes)
            {
                response.ApiResponseFormats.Add(new ApiResponseFormat { MediaType = contentType });
            }

            api.SupportedResponseTypes.Add(response);
        }

        if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: { } bodyType } accepts)
        {
            // Our endpoints name no content type to routing (their handler answers a wrong one with a problem body);
            // their body is JSON.
            foreach (var contentType in accepts.ContentTypes is { Count: > 0 } named ? named : ["application/json"])
            {
                api.SupportedRequestFormats.Add(new ApiRequestFormat { MediaType = contentType });
            }

            api.ParameterDescriptions.Add(new ApiParameterDescription
            {
                Name = "body",
                Source = BindingSource.Body,
                Type = bodyType,
                IsRequired = !accepts.IsOptional,
            });
        }

        // Route, query and header parameters are added by the operation transformer, with their schemas.
        return api;
    }
}

using System;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sse.Runtime.AspNetCore.OpenApi;

/// <summary>Adds the description of server-sent-events contracts to ASP.NET Core's OpenAPI document.</summary>
public static class SseOpenApiOptionsExtensions
{
    /// <summary>
    /// Adds ASP.NET Core's OpenAPI document (<c>AddOpenApi</c>) with the generated endpoints described as their contracts
    /// say (see <see cref="AddSseContracts"/>). Serve it with <c>app.MapOpenApi()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="documentName">The document's name (<c>/openapi/{documentName}.json</c>).</param>
    /// <param name="configure">Further OpenAPI settings, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSseOpenApi(this IServiceCollection services, string documentName = "v1", Action<OpenApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenApi(documentName, options =>
        {
            options.AddSseContracts();
            configure?.Invoke(options);
        });
        return services.AddSseApiDescriptions();
    }

    /// <summary>
    /// Lists the generated endpoints in ASP.NET Core's API explorer, which OpenAPI documents are made from (they bind
    /// the request themselves, so the explorer cannot see into them). <see cref="AddSseOpenApi"/> calls it; call it
    /// yourself with your own <c>AddOpenApi(o => o.AddSseContracts())</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSseApiDescriptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, SseApiDescriptionProvider>());
        return services;
    }

    /// <summary>
    /// Describes every generated endpoint as its contract says: a stream answers <c>text/event-stream</c> whose events
    /// are described one by one (their name, id and the JSON schema of their data) under the <c>x-itemSchema</c>
    /// extension, in the shape of OpenAPI 3.2's <c>itemSchema</c>; route, query and header parameters with their types;
    /// and the problem responses. Use it as <c>builder.Services.AddOpenApi(o => o.AddSseContracts())</c> together with
    /// <see cref="AddSseApiDescriptions"/>, or call <see cref="AddSseOpenApi"/>, which does both.
    /// </summary>
    /// <param name="options">The OpenAPI options.</param>
    /// <returns>The options.</returns>
    public static OpenApiOptions AddSseContracts(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer(new SseOperationTransformer());
        return options;
    }
}

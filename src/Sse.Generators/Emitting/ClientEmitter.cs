using System.Linq;
using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits <c>{Name}Client</c>, which implements the contract over <c>HttpClient</c>, and <c>Add{Name}Client</c>,
/// which registers it as a typed client through IHttpClientFactory.
/// </summary>
internal static class ClientEmitter
{
    public static string Emit(ContractModel contract)
    {
        var writer = new SourceWriter();
        EmitterCommon.WriteHeader(writer);
        var clientName = contract.BaseName + "Client";
        var formatsClass = contract.BaseName + "ClientFormats";
        var members = new NameAllocator();
        var formats = contract.Methods.Select(method => (Method: method, Field: members.Allocate(method.Name))).ToList();

        using (EmitterCommon.OpenNamespace(writer, contract))
        {
            writer.WriteLine($"""
                /// <summary>
                /// A typed client for <see cref="{contract.InterfaceFullName}"/>: each method sends its request through an
                /// <see cref="global::System.Net.Http.HttpClient"/> and streams the response's events as typed items.
                /// </summary>
                {EmitterCommon.GeneratedCodeAttribute}
                """);
            using (writer.Block($"{contract.Accessibility} sealed partial class {clientName} : {contract.InterfaceFullName}"))
            {
                writer.WriteLine($"""
                    private readonly global::System.Net.Http.HttpClient _httpClient;
                    private readonly global::Sse.Runtime.SseClientOptions? _options;

                    /// <summary>Creates the client.</summary>
                    /// <param name="httpClient">Sends the requests; its <see cref="global::System.Net.Http.HttpClient.BaseAddress"/> must be the server's address.</param>
                    /// <param name="options">Limits and timeouts of the streams, or <see langword="null"/> for the defaults.</param>
                    """);
                using (writer.Block($"public {clientName}(global::System.Net.Http.HttpClient httpClient, global::Sse.Runtime.SseClientOptions? options = null)"))
                {
                    writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(httpClient);");
                    writer.WriteLine("this._httpClient = httpClient;");
                    writer.WriteLine("this._options = options;");
                }

                foreach (var (method, field) in formats)
                {
                    writer.WriteLine();
                    WriteMethod(writer, contract.JsonContextFullName, method, $"{formatsClass}.{field}");
                }
            }

            writer.WriteLine();
            WriteRegistration(writer, contract, clientName);
            writer.WriteLine();
            writer.WriteLine(EmitterCommon.GeneratedCodeAttribute);
            using (writer.Block("file static class " + formatsClass))
            {
                foreach (var (method, field) in formats)
                {
                    writer.WriteLine($"public static readonly global::Sse.Runtime.SseEventFormat<{method.Item.TypeFullName}> {field} =");
                    using (writer.Indent())
                    {
                        writer.WriteLine(EmitterCommon.EventFormatExpression(contract, method) + ";");
                    }
                }
            }

            EmitterCommon.WritePolymorphicFormats(writer, contract);
        }

        return writer.ToString();
    }

    private static void WriteMethod(SourceWriter writer, string contractJsonContext, MethodModel method, string format)
    {
        var locals = new NameAllocator();
        foreach (var parameter in method.Parameters)
        {
            locals.Reserve(parameter.Name);
        }

        var uri = locals.Allocate("uri");
        var request = locals.Allocate("request");
        var token = method.Parameters.FirstOrDefault(static p => p.Source == ParameterSource.CancellationToken)?.Name ?? "default";
        var signature = string.Join(", ", method.Parameters.Select(EmitterCommon.ParameterDeclaration));

        if (method.Documentation.Count == 0)
        {
            writer.WriteLine("/// <inheritdoc />");
        }
        else
        {
            foreach (var line in method.Documentation)
            {
                writer.WriteLine("/// " + line);
            }
        }

        using (writer.Block($"public {method.ReturnTypeFullName} {method.Name}({signature})"))
        {
            var parts = method.RouteParts;
            var start = parts.Count > 0 && !parts[0].IsParameter ? parts[0].Text : "/";
            writer.WriteLine($"var {uri} = new global::Sse.Runtime.SseUriBuilder({TypeNames.Literal(start)});");
            for (var i = parts.Count > 0 && !parts[0].IsParameter ? 1 : 0; i < parts.Count; i++)
            {
                var part = parts[i];
                if (!part.IsParameter)
                {
                    writer.WriteLine($"{uri}.AppendLiteral({TypeNames.Literal(part.Text)});");
                    continue;
                }

                var parameter = method.Parameters.First(p => p.Source == ParameterSource.Route && string.Equals(p.WireName, part.Text, System.StringComparison.OrdinalIgnoreCase));
                WritePathValue(writer, uri, parameter);
            }

            foreach (var parameter in method.Parameters.Where(static p => p.Source == ParameterSource.Query))
            {
                var append = parameter.IsArray ? "AppendQueryValues" : "AppendQuery";
                writer.WriteLine($"{uri}.{append}({TypeNames.Literal(parameter.WireName)}, {parameter.Name});");
            }

            var httpMethod = method.HttpMethod == "POST" ? "Post" : "Get";
            writer.WriteLine($"var {request} = new global::Sse.Runtime.SseRequest(global::System.Net.Http.HttpMethod.{httpMethod}, {uri}.ToString());");
            foreach (var parameter in method.Parameters)
            {
                switch (parameter.Source)
                {
                    case ParameterSource.Header:
                        writer.WriteLine($"{request}.AddHeader({TypeNames.Literal(parameter.WireName)}, {parameter.Name});");
                        break;
                    case ParameterSource.LastEventId:
                        writer.WriteLine($"{request}.LastEventId = {parameter.Name};");
                        break;
                    case ParameterSource.Body:
                        writer.WriteLine($"{request}.SetJsonBody({parameter.Name}, {contractJsonContext}.Default.{parameter.JsonTypeInfoProperty});");
                        break;
                }
            }

            var read = method.ReturnsSseItem ? "ReadItemsAsync" : "ReadAsync";
            writer.WriteLine($"return global::Sse.Runtime.SseStreamReader.{read}(this._httpClient, {request}, {format}, this._options, {token});");
        }
    }

    private static void WritePathValue(SourceWriter writer, string uri, ParameterModel parameter)
    {
        if (parameter.Kind == ValueKind.String)
        {
            writer.WriteLine(parameter.IsCatchAll
                ? $"{uri}.AppendCatchAllValue({parameter.Name});"
                : $"{uri}.AppendPathValue({parameter.Name}, {TypeNames.Literal(parameter.WireName)});");
            return;
        }

        if (parameter.IsNullable)
        {
            using (writer.Block($"if ({parameter.Name}.HasValue)"))
            {
                writer.WriteLine($"{uri}.AppendPathValue({parameter.Name}.GetValueOrDefault());");
            }

            return;
        }

        writer.WriteLine($"{uri}.AppendPathValue({parameter.Name});");
    }

    private static void WriteRegistration(SourceWriter writer, ContractModel contract, string clientName)
    {
        var clientFullName = (contract.Namespace.Length == 0 ? "global::" : "global::" + contract.Namespace + ".") + clientName;
        var name = contract.InterfaceFullName.Substring("global::".Length);
        writer.WriteLine($"""
            /// <summary>Registers <see cref="{contract.InterfaceFullName}"/> as a typed client.</summary>
            {EmitterCommon.GeneratedCodeAttribute}
            """);
        using (writer.Block($"{contract.Accessibility} static class {clientName}ServiceCollectionExtensions"))
        {
            writer.WriteLine($"""
                /// <summary>
                /// Registers <see cref="{contract.InterfaceFullName}"/>, implemented by <see cref="{clientFullName}"/>, as a typed client
                /// created through <see cref="global::System.Net.Http.IHttpClientFactory"/>. The client and its
                /// <see cref="global::Sse.Runtime.SseClientOptions"/> are named <c>{name}</c>.
                /// </summary>
                /// <param name="services">The service collection.</param>
                /// <param name="configureClient">Configures the client, typically its <see cref="global::System.Net.Http.HttpClient.BaseAddress"/>.</param>
                /// <param name="configureOptions">Configures the streams' limits and timeouts.</param>
                /// <returns>The client's builder, to add handlers, resilience or further configuration.</returns>
                """);
            using (writer.Block($"public static global::Microsoft.Extensions.DependencyInjection.IHttpClientBuilder Add{clientName}(this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services, global::System.Action<global::System.Net.Http.HttpClient>? configureClient = null, global::System.Action<global::Sse.Runtime.SseClientOptions>? configureOptions = null)"))
            {
                writer.WriteLine($"return global::Sse.Runtime.SseClientRegistration.AddClient<{contract.InterfaceFullName}, {clientFullName}>(");
                using (writer.Indent())
                {
                    writer.WriteLine("services,");
                    writer.WriteLine($"{TypeNames.Literal(name)},");
                    writer.WriteLine($"static (httpClient, options) => new {clientFullName}(httpClient, options),");
                    writer.WriteLine("configureClient,");
                    writer.WriteLine("configureOptions);");
                }
            }
        }
    }
}

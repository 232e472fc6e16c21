using System.Linq;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits <c>{Name}Client</c>, which implements the contract over <c>HttpClient</c>, and <c>Add{Name}Client</c>,
/// which registers it as a typed client through IHttpClientFactory.
/// </summary>
internal static class ClientEmitter
{
    private const string Infrastructure = "global::Sse.Runtime.Infrastructure";

    public static string Emit(ContractModel contract)
    {
        var writer = new SourceWriter();
        EmitterCommon.WriteHeader(writer);
        var clientName = contract.Name + "Client";

        using (EmitterCommon.OpenNamespace(writer, contract))
        {
            writer.WriteLine($"""
                /// <summary>
                /// A typed client for <see cref="{contract.InterfaceFullName}"/>: each method sends its request through an
                /// <see cref="global::System.Net.Http.HttpClient"/> and streams the response's events as typed items.
                /// </summary>
                {EmitterCommon.TypeAttributes}
                """);
            using (writer.Block($"{contract.Accessibility} sealed partial class {clientName} : {contract.InterfaceFullName}"))
            {
                writer.WriteLine($$"""
                    private readonly global::System.Net.Http.HttpClient _httpClient;
                    private readonly global::Sse.Runtime.SseClientOptions? _options;

                    /// <summary>Creates the client.</summary>
                    /// <param name="httpClient">Sends the requests; its <see cref="global::System.Net.Http.HttpClient.BaseAddress"/> must be the server's address.</param>
                    /// <param name="options">Limits and timeouts of the streams, or <see langword="null"/> for the defaults.</param>
                    public {{clientName}}(global::System.Net.Http.HttpClient httpClient, global::Sse.Runtime.SseClientOptions? options = null)
                    {
                        global::System.ArgumentNullException.ThrowIfNull(httpClient);
                        this._httpClient = httpClient;
                        this._options = options;
                    }
                    """);

                foreach (var method in contract.Methods)
                {
                    writer.WriteLine();
                    WriteMethod(writer, contract, method);
                    if (method.Kind == MethodRole.Run)
                    {
                        writer.WriteLine();
                        WriteAttach(writer, contract, method);
                    }
                }
            }

            writer.WriteLine();
            WriteRegistration(writer, contract, clientName);
        }

        return writer.ToString();
    }

    private static void WriteMethod(SourceWriter writer, ContractModel contract, MethodModel method)
    {
        var locals = new NameAllocator();
        foreach (var parameter in method.Parameters)
        {
            locals.Reserve(parameter.Name);
        }

        var uri = locals.Allocate("uri");
        var request = locals.Allocate("request");
        var token = method.CancellationToken?.Name ?? "default";
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

        var isRun = method.Kind == MethodRole.Run;
        var runType = isRun ? $"global::Sse.Runtime.SseRun<{method.StreamItem.TypeFullName}>" : null;
        var format = $"{EmitterCommon.EventFormatsClass(contract)}.{EmitterCommon.FormatField(method)}";
        if (isRun)
        {
            // The contract's method starts a run; Start{Method} is the same with the run's type (its id, its cancel).
            var arguments = string.Join(", ", method.Parameters.Select(static p => p.Name));
            writer.WriteLine($"public {method.ReturnTypeFullName} {CSharpCode.Identifier(method.Name)}({signature}) =>");
            using (writer.Indent())
            {
                writer.WriteLine($"this.Start{method.Name}({arguments});");
            }

            writer.WriteLine();
            writer.WriteLine($$"""
                /// <summary>
                /// Starts a run of <see cref="{{contract.InterfaceFullName}}.{{CSharpCode.Identifier(method.Name)}}"/> (<c>POST {{CSharpCode.Xml(method.FullRoute)}}</c>) when
                /// enumerated: a lost connection re-attaches to the run with the last event id, never sending the POST again.
                /// Its <see cref="global::Sse.Runtime.SseRun{T}.Id"/> is known once the server answered; keep it to attach later
                /// (<see cref="Attach{{method.Name}}"/>), or cancel the run for every client (<see cref="global::Sse.Runtime.SseRun{T}.CancelAsync"/>).
                /// </summary>
                """);
            foreach (var parameter in method.Parameters)
            {
                writer.WriteLine($"/// <param name=\"{parameter.Name.TrimStart('@')}\">As for <see cref=\"{contract.InterfaceFullName}.{CSharpCode.Identifier(method.Name)}\"/>.</param>");
            }

            writer.WriteLine("/// <returns>The run, enumerated as its items.</returns>");
        }

        using (writer.Block(isRun ? $"public {runType} Start{method.Name}({signature})" : $"public {method.ReturnTypeFullName} {CSharpCode.Identifier(method.Name)}({signature})"))
        {
            var parts = method.RouteParts;
            var startsWithLiteral = parts.Count > 0 && !parts[0].IsParameter;
            writer.WriteLine($"var {uri} = new {Infrastructure}.SseUriBuilder({CSharpCode.Literal(startsWithLiteral ? parts[0].Text : "/")});");
            for (var i = startsWithLiteral ? 1 : 0; i < parts.Count; i++)
            {
                var part = parts[i];
                if (part.IsParameter)
                {
                    WritePathValue(writer, uri, part, method.ParameterOf(part));
                }
                else
                {
                    writer.WriteLine($"{uri}.AppendLiteral({CSharpCode.Literal(part.Text)});");
                }
            }

            foreach (var parameter in method.Parameters.Where(static p => p.Source == ParameterSource.Query))
            {
                var append = parameter.IsArray ? "AppendQueryValues" : "AppendQuery";
                writer.WriteLine($"{uri}.{append}({CSharpCode.Literal(parameter.WireName)}, {parameter.Name});");
            }

            var httpMethod = method.HttpMethod == "POST" ? "Post" : "Get";
            writer.WriteCall(
                $"var {request} = new {Infrastructure}.SseRequest",
                [CSharpCode.Literal(EmitterCommon.DisplayName(contract, method)), $"global::System.Net.Http.HttpMethod.{httpMethod}", $"{uri}.ToString()", "resumable: " + (method.IsResumable ? "true" : "false")]);
            foreach (var parameter in method.Parameters)
            {
                switch (parameter.Source)
                {
                    case ParameterSource.Header:
                        writer.WriteLine($"{request}.AddHeader({CSharpCode.Literal(parameter.WireName)}, {parameter.Name});");
                        break;
                    case ParameterSource.LastEventId:
                        writer.WriteLine(parameter.Kind == ValueKind.String ? $"{request}.LastEventId = {parameter.Name};" : $"{request}.SetLastEventId({parameter.Name});");
                        break;
                    case ParameterSource.Body:
                        writer.WriteLine($"{request}.SetJsonBody({parameter.Name}, {contract.JsonContextFullName}.Default.{parameter.JsonTypeInfoProperty});");
                        break;
                }
            }

            if (method.Kind == MethodRole.Command)
            {
                // A command: one request, 204 or a JSON result; failures are SseHttpException with the problem details.
                writer.WriteCall(
                    method.Result is { } result ? $"return {Infrastructure}.SseCommandClient.SendAsync<{result.TypeFullName}>" : $"return {Infrastructure}.SseCommandClient.SendAsync",
                    method.Result is { } typed ? ["this._httpClient", request, typed.TypeInfo(contract.JsonContextFullName), token] : ["this._httpClient", request, token]);
                return;
            }

            if (isRun)
            {
                writer.WriteCall(
                    $"return {Infrastructure}.SseRunReader.Start",
                    ["this._httpClient", request, CSharpCode.Literal(method.RunsPath), format, "this._options", token]);
                return;
            }

            var read = method.ReturnsSseItem ? "ReadItemsAsync" : "ReadAsync";
            writer.WriteCall(
                $"return {Infrastructure}.SseStreamReader.{read}",
                ["this._httpClient", request, $"{EmitterCommon.EventFormatsClass(contract)}.{EmitterCommon.FormatField(method)}", "this._options", token]);
        }
    }

    /// <summary>A run method's attach: the run by its id, from its start or after an event id, re-attaching after each loss.</summary>
    private static void WriteAttach(SourceWriter writer, ContractModel contract, MethodModel method)
    {
        var item = method.StreamItem.TypeFullName;
        writer.WriteLine($$"""
            /// <summary>
            /// Attaches to a run of <see cref="{{contract.InterfaceFullName}}.{{CSharpCode.Identifier(method.Name)}}"/> by its id (<c>GET {{CSharpCode.Xml(method.RunsPath)}}{runId}</c>), in
            /// progress or finished (within the topic log's retention): its items from the start, or after <paramref name="lastEventId"/>,
            /// to its end. A run the server does not know fails with <see cref="global::Sse.Runtime.SseHttpException"/> (404).
            /// </summary>
            /// <param name="runId">The run's id (<see cref="global::Sse.Runtime.SseRun{T}.Id"/> of its start).</param>
            /// <param name="lastEventId">The last event id already received, or <see langword="null"/> for the whole run.</param>
            /// <param name="cancellationToken">Ends the stream (not the run).</param>
            /// <returns>The run, enumerated as its items.</returns>
            public global::Sse.Runtime.SseRun<{{item}}> Attach{{method.Name}}(string runId, string? lastEventId = null, global::System.Threading.CancellationToken cancellationToken = default) =>
                {{Infrastructure}}.SseRunReader.Attach(this._httpClient, {{CSharpCode.Literal(EmitterCommon.DisplayName(contract, method))}}, {{CSharpCode.Literal(method.RunsPath)}}, runId, lastEventId, {{EmitterCommon.EventFormatsClass(contract)}}.{{EmitterCommon.FormatField(method)}}, this._options, cancellationToken);
            """);
    }

    /// <summary>A route value: an optional part left out (with its separator) when the value is null or empty.</summary>
    private static void WritePathValue(SourceWriter writer, string uri, RoutePart part, ParameterModel parameter)
    {
        var wire = CSharpCode.Literal(parameter.WireName);
        if (parameter.Kind == ValueKind.String)
        {
            writer.WriteLine(part.IsCatchAll ? $"{uri}.AppendCatchAllValue({parameter.Name}, {wire});"
                : part.IsOptional ? $"{uri}.AppendOptionalPathValue({parameter.Name});"
                : $"{uri}.AppendPathValue({parameter.Name}, {wire});");
            return;
        }

        writer.WriteLine(!parameter.IsNullable ? $"{uri}.AppendPathValue({parameter.Name});"
            : part.IsOptional ? $"{uri}.AppendOptionalPathValue({parameter.Name});"
            : $"{uri}.AppendPathValue({parameter.Name}, {wire});");
    }

    private static void WriteRegistration(SourceWriter writer, ContractModel contract, string clientName)
    {
        var clientFullName = contract.GeneratedTypeFullName("Client");
        writer.WriteLine($"""
            /// <summary>Registers <see cref="{contract.InterfaceFullName}"/> as a typed client.</summary>
            {EmitterCommon.TypeAttributes}
            """);
        using (writer.Block($"{contract.Accessibility} static class {clientName}ServiceCollectionExtensions"))
        {
            writer.WriteLine($$"""
                /// <summary>
                /// The name of the client's <see cref="global::System.Net.Http.HttpClient"/> and of its <see cref="global::Sse.Runtime.SseClientOptions"/>
                /// (<c>services.Configure&lt;SseClientOptions&gt;({{clientName}}ServiceCollectionExtensions.ClientName, ...)</c>).
                /// </summary>
                public const string ClientName = {{CSharpCode.Literal(contract.Name)}};

                /// <summary>
                /// Registers <see cref="{{contract.InterfaceFullName}}"/>, implemented by <see cref="{{clientFullName}}"/>, as a typed client
                /// created through <see cref="global::System.Net.Http.IHttpClientFactory"/>. The client and its
                /// <see cref="global::Sse.Runtime.SseClientOptions"/> are named <see cref="ClientName"/>.
                /// </summary>
                /// <param name="services">The service collection.</param>
                /// <param name="configureClient">Configures the client, typically its <see cref="global::System.Net.Http.HttpClient.BaseAddress"/>.</param>
                /// <param name="configureOptions">Configures the streams' limits and timeouts.</param>
                /// <returns>The client's builder, to add handlers, resilience or further configuration.</returns>
                """);
            using (writer.Block($"public static global::Microsoft.Extensions.DependencyInjection.IHttpClientBuilder Add{clientName}(this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services, global::System.Action<global::System.Net.Http.HttpClient>? configureClient = null, global::System.Action<global::Sse.Runtime.SseClientOptions>? configureOptions = null)"))
            {
                writer.WriteCall(
                    $"return {Infrastructure}.SseClientRegistration.AddClient<{contract.InterfaceFullName}, {clientFullName}>",
                    ["services", "ClientName", $"static (httpClient, options) => new {clientFullName}(httpClient, options)", "configureClient", "configureOptions"]);
            }
        }
    }
}

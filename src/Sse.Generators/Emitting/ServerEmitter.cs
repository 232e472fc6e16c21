using System.Collections.Generic;
using System.Linq;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits <c>Map{Name}</c>: one endpoint per contract method with hand-written, reflection-free parameter binding:
/// streams run through <c>SseEndpoint</c>, topic subscriptions through <c>SseTopicEndpoint</c>, commands through
/// <c>SseCommandEndpoint</c>. A contract mixing topics with other methods also gets <c>{Name}Base</c>.
/// </summary>
internal static partial class ServerEmitter
{
    internal const string Infrastructure = "global::Sse.Runtime.AspNetCore.Infrastructure";
    private const string Binder = Infrastructure + ".SseParameterBinder";

    public static string Emit(ContractModel contract)
    {
        var writer = new SourceWriter();
        EmitterCommon.WriteHeader(writer);
        var handlersClass = contract.Name + "EndpointHandlers";
        var members = new NameAllocator();
        var handlers = contract.Methods.Select(method => (Method: method, Handler: members.Allocate(method.Name), Description: members.Allocate(method.Name + "Description"))).ToList();

        using (EmitterCommon.OpenNamespace(writer, contract))
        {
            WriteExtensions(writer, contract, handlersClass, handlers);
            writer.WriteLine();
            writer.WriteLine(EmitterCommon.TypeAttributes);
            using (writer.Block("file static class " + handlersClass))
            {
                var first = true;
                foreach (var (method, handler, description) in handlers)
                {
                    if (!first)
                    {
                        writer.WriteLine();
                    }

                    first = false;
                    WriteDescription(writer, contract, method, description);
                    writer.WriteLine();
                    WriteHandler(writer, contract, method, handler, description);
                }
            }

            if (contract.HasTopics && contract.NeedsImplementation)
            {
                writer.WriteLine();
                WriteBaseClass(writer, contract);
            }
        }

        return writer.ToString();
    }

    private static void WriteExtensions(SourceWriter writer, ContractModel contract, string handlersClass, List<(MethodModel Method, string Handler, string Description)> handlers)
    {
        writer.WriteLine($"""
            /// <summary>Maps the server-sent-events endpoints of <see cref="{contract.InterfaceFullName}"/>.</summary>
            {EmitterCommon.TypeAttributes}
            """);
        using (writer.Block($"{contract.Accessibility} static class {contract.Name}EndpointRouteBuilderExtensions"))
        {
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Maps every method of <see cref=\"{contract.InterfaceFullName}\"/> as an endpoint:");
            writer.WriteLine("/// <list type=\"bullet\">");
            foreach (var (method, _, _) in handlers)
            {
                var what = method.Kind switch
                {
                    MethodRole.Topic => $"the topic <c>{CSharpCode.Xml(method.Topic!.Template)}</c>",
                    MethodRole.Command => method.Result is null ? "a command, 204" : "a command, JSON",
                    MethodRole.Run => $"a run, attached at <c>GET {CSharpCode.Xml(method.RunsPath)}{{runId}}</c> and cancelled by <c>DELETE</c> there",
                    _ => "a stream",
                };
                writer.WriteLine($"/// <item><description><c>{method.HttpMethod} {CSharpCode.Xml(method.FullRoute)}</c>: <see cref=\"{contract.InterfaceFullName}.{CSharpCode.Identifier(method.Name)}\"/>, {what}, named <c>{EmitterCommon.DisplayName(contract, method)}</c></description></item>");
            }

            writer.WriteLine("/// </list>");
            if (contract.NeedsImplementation)
            {
                writer.WriteLine($"/// Each request resolves <see cref=\"{contract.InterfaceFullName}\"/> from the request's services; mapping fails at start-up");
                writer.WriteLine("/// when no implementation is registered.");
            }

            if (contract.HasTopics)
            {
                writer.WriteLine($"/// Topic streams need no implementation: they subscribe to the hub, which <c>Add{contract.Name}Publisher()</c> registers.");
            }

            writer.WriteLine($$"""
                /// </summary>
                /// <param name="endpoints">The application or route group to map the endpoints into.</param>
                /// <param name="endpointNamePrefix">
                /// Prefixes the endpoint names (<c>{{contract.Name}}.{Method}</c>), which must be unique in an application: pass one when
                /// mapping the contract more than once, e.g. under <c>/v1</c> and <c>/v2</c>.
                /// </param>
                /// <returns>The contract's route group: conventions added to it, such as <c>RequireAuthorization()</c>, apply to every endpoint.</returns>
                """);
            using (writer.Block($"public static global::Microsoft.AspNetCore.Routing.RouteGroupBuilder Map{contract.Name}(this global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string? endpointNamePrefix = null)"))
            {
                writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(endpoints);");
                if (contract.NeedsImplementation)
                {
                    writer.WriteLine($"{Infrastructure}.SseEndpoint.EnsureImplementationRegistered<{contract.InterfaceFullName}>(endpoints, {CSharpCode.Literal(contract.Name)});");
                }

                if (contract.NeedsHub)
                {
                    writer.WriteLine($"{Infrastructure}.SseEndpoint.EnsureHubRegistered(endpoints, {CSharpCode.Literal(contract.Name)});");
                }

                writer.WriteLine($"var group = global::Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGroup(endpoints, {CSharpCode.Literal(contract.RoutePrefix)});");
                foreach (var (method, handler, description) in handlers)
                {
                    if (method.Kind == MethodRole.Run)
                    {
                        var run = new List<string>
                        {
                            "group",
                            CSharpCode.Literal(method.Route.Length == 0 ? "/" : method.Route),
                            "endpointNamePrefix + " + CSharpCode.Literal(EmitterCommon.DisplayName(contract, method)),
                            $"{handlersClass}.{handler}",
                            $"{handlersClass}.{description}",
                            "tag: " + CSharpCode.Literal(contract.Name),
                        };
                        if (method.Body is { } runBody)
                        {
                            run.Add($"bodyType: typeof({runBody.ValueTypeFullName})");
                        }

                        writer.WriteCall($"{Infrastructure}.SseRunEndpoint.MapRun<{method.StreamItem.TypeFullName}>", run);
                        continue;
                    }

                    var arguments = new List<string>
                    {
                        "group",
                        CSharpCode.Literal(method.HttpMethod),
                        CSharpCode.Literal(method.Route.Length == 0 ? "/" : method.Route),
                        "endpointNamePrefix + " + CSharpCode.Literal(EmitterCommon.DisplayName(contract, method)),
                        $"{handlersClass}.{handler}",
                        "tag: " + CSharpCode.Literal(contract.Name),
                    };
                    if (method.Body is { } body)
                    {
                        arguments.Add($"bodyType: typeof({body.ValueTypeFullName})");
                    }

                    if (method.Kind == MethodRole.Command && method.Result is { } result)
                    {
                        arguments.Add($"resultType: typeof({result.TypeOfName})");
                    }

                    arguments.Add($"description: {handlersClass}.{description}");
                    if (method.Kind == MethodRole.Command)
                    {

                        writer.WriteCall($"{Infrastructure}.SseEndpoint.MapCommand", arguments);
                    }
                    else
                    {
                        writer.WriteCall($"{Infrastructure}.SseEndpoint.Map<{method.StreamItem.TypeFullName}>", arguments);
                    }
                }

                writer.WriteLine("return group;");
            }
        }
    }

    private static void WriteHandler(SourceWriter writer, ContractModel contract, MethodModel method, string handler, string description)
    {
        var locals = new NameAllocator();
        locals.Reserve("httpContext");
        var bound = method.Parameters.Where(static p => p.Source != ParameterSource.CancellationToken).ToList();
        foreach (var parameter in bound)
        {
            locals.Reserve(parameter.Name);
        }

        var service = locals.Allocate("service");
        var token = locals.Allocate("cancellationToken");
        var isAsync = method.Body is not null;
        using (writer.Block($"public static {(isAsync ? "async " : string.Empty)}global::System.Threading.Tasks.Task {handler}(global::Microsoft.AspNetCore.Http.HttpContext httpContext)"))
        {
            foreach (var parameter in bound)
            {
                WriteBinding(writer, contract, parameter, locals, isAsync, description);
                writer.WriteLine();
            }

            var arguments = string.Join(", ", method.Parameters.Select(p => p.Source == ParameterSource.CancellationToken ? token : p.Name));
            var call = $"({service}, {token}) => {service}.{CSharpCode.Identifier(method.Name)}({arguments})";
            var returnOrAwait = isAsync ? "await " : "return ";
            var end = isAsync ? ".ConfigureAwait(false);" : ";";
            switch (method.Kind)
            {
                case MethodRole.Topic:
                    WriteTopicSubscription(writer, method, description, locals, isAsync);
                    break;
                case MethodRole.Command when method.Result is { } result:
                    writer.WriteCall(
                        $"{returnOrAwait}{Infrastructure}.SseCommandEndpoint.InvokeAsync<{contract.InterfaceFullName}, {result.TypeFullName}>",
                        ["httpContext", description, result.TypeInfo(contract.JsonContextFullName), call],
                        end);
                    break;
                case MethodRole.Command:
                    writer.WriteCall(
                        $"{returnOrAwait}{Infrastructure}.SseCommandEndpoint.InvokeAsync<{contract.InterfaceFullName}>",
                        ["httpContext", description, call],
                        end);
                    break;
                case MethodRole.Run:
                    writer.WriteCall(
                        $"{returnOrAwait}{Infrastructure}.SseRunEndpoint.StartAsync<{contract.InterfaceFullName}, {method.StreamItem.TypeFullName}>",
                        ["httpContext", description, $"{EmitterCommon.EventFormatsClass(contract)}.{EmitterCommon.FormatField(method)}", call],
                        end);
                    break;
                default:
                    var stream = method.ReturnsSseItem ? "StreamItemsAsync" : "StreamAsync";
                    writer.WriteCall(
                        $"{returnOrAwait}{Infrastructure}.SseEndpoint.{stream}<{contract.InterfaceFullName}, {method.StreamItem.TypeFullName}>",
                        ["httpContext", description, $"{EmitterCommon.EventFormatsClass(contract)}.{EmitterCommon.FormatField(method)}", call],
                        end);
                    break;
            }
        }
    }
}

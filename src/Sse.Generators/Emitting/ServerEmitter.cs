using System.Collections.Generic;
using System.Linq;
using Sse.Generators.Model;
using Sse.Generators.Parsing;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits <c>Map{Name}</c>: one endpoint per contract method with hand-written, reflection-free parameter binding,
/// streaming through <c>Sse.Runtime.AspNetCore.SseEndpoint</c>.
/// </summary>
internal static partial class ServerEmitter
{
    private const string Binder = "global::Sse.Runtime.AspNetCore.SseParameterBinder";

    public static string Emit(ContractModel contract)
    {
        var writer = new SourceWriter();
        EmitterCommon.WriteHeader(writer);
        var handlersClass = contract.BaseName + "EndpointHandlers";
        var members = new NameAllocator();
        var handlers = contract.Methods.Select(method => (Method: method, Handler: members.Allocate(method.Name), Descriptor: members.Allocate(method.Name + "Endpoint"))).ToList();

        using (EmitterCommon.OpenNamespace(writer, contract))
        {
            WriteExtensions(writer, contract, handlersClass, handlers);
            writer.WriteLine();
            writer.WriteLine(EmitterCommon.GeneratedCodeAttribute);
            using (writer.Block("file static class " + handlersClass))
            {
                var first = true;
                foreach (var (method, handler, descriptor) in handlers)
                {
                    if (!first)
                    {
                        writer.WriteLine();
                    }

                    first = false;
                    WriteDescriptor(writer, contract, method, descriptor);
                    writer.WriteLine();
                    WriteHandler(writer, contract, method, handler, descriptor);
                }
            }

            EmitterCommon.WritePolymorphicFormats(writer, contract);
        }

        return writer.ToString();
    }

    private static void WriteExtensions(SourceWriter writer, ContractModel contract, string handlersClass, List<(MethodModel Method, string Handler, string Descriptor)> handlers)
    {
        writer.WriteLine($"""
            /// <summary>Maps the server-sent-events endpoints of <see cref="{contract.InterfaceFullName}"/>.</summary>
            {EmitterCommon.GeneratedCodeAttribute}
            """);
        using (writer.Block($"{contract.Accessibility} static class {contract.BaseName}EndpointRouteBuilderExtensions"))
        {
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Maps every method of <see cref=\"{contract.InterfaceFullName}\"/> as an endpoint that streams <c>text/event-stream</c>:");
            writer.WriteLine("/// <list type=\"bullet\">");
            foreach (var (method, _, _) in handlers)
            {
                writer.WriteLine($"/// <item><description><c>{method.HttpMethod} {Xml(RouteTemplate.Combine(contract.RoutePrefix, method.Route))}</c>: <see cref=\"{contract.InterfaceFullName}.{method.Name}\"/></description></item>");
            }

            writer.WriteLine("""
                /// </list>
                /// Each request resolves the contract's implementation from the request's services.
                /// </summary>
                /// <param name="endpoints">The application or route group to map the endpoints into.</param>
                /// <param name="endpointNamePrefix">
                /// Prefixes the endpoint names (<c>{Name}.{Method}</c>), which must be unique in an application: pass one when
                /// mapping the contract more than once, e.g. under <c>/v1</c> and <c>/v2</c>.
                /// </param>
                /// <returns>The contract's route group: conventions added to it, such as <c>RequireAuthorization()</c>, apply to every endpoint.</returns>
                """);
            using (writer.Block($"public static global::Microsoft.AspNetCore.Routing.RouteGroupBuilder Map{contract.BaseName}(this global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string? endpointNamePrefix = null)"))
            {
                writer.WriteLine("global::System.ArgumentNullException.ThrowIfNull(endpoints);");
                writer.WriteLine($"var group = global::Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGroup(endpoints, {TypeNames.Literal(contract.RoutePrefix)});");
                foreach (var (method, handler, _) in handlers)
                {
                    var route = method.Route.Length == 0 ? "/" : method.Route;
                    var body = method.Body is { } b ? $", bodyType: typeof({b.ValueTypeFullName})" : string.Empty;
                    writer.WriteLine($"global::Sse.Runtime.AspNetCore.SseEndpoint.Map<{method.Item.TypeFullName}>(group, {TypeNames.Literal(method.HttpMethod)}, {TypeNames.Literal(route)}, endpointNamePrefix + {TypeNames.Literal(contract.BaseName + "." + method.Name)}, {handlersClass}.{handler}, tag: {TypeNames.Literal(contract.BaseName)}{body});");
                }

                writer.WriteLine("return group;");
            }
        }
    }

    private static void WriteDescriptor(SourceWriter writer, ContractModel contract, MethodModel method, string descriptor)
    {
        writer.WriteLine($"public static readonly global::Sse.Runtime.AspNetCore.SseEndpointDescriptor<{method.Item.TypeFullName}> {descriptor} = new(");
        using (writer.Indent())
        {
            writer.WriteLine(TypeNames.Literal(contract.InterfaceName + "." + method.Name) + ",");
            writer.WriteLine(EmitterCommon.EventFormatExpression(contract, method) + ");");
        }
    }

    private static void WriteHandler(SourceWriter writer, ContractModel contract, MethodModel method, string handler, string descriptor)
    {
        var locals = new NameAllocator();
        locals.Reserve("httpContext");
        var bound = method.Parameters.Where(static p => p.Source != ParameterSource.CancellationToken).ToList();
        foreach (var parameter in bound)
        {
            locals.Reserve(parameter.Name);
        }

        var isAsync = method.Body is not null;
        using (writer.Block($"public static {(isAsync ? "async " : string.Empty)}global::System.Threading.Tasks.Task {handler}(global::Microsoft.AspNetCore.Http.HttpContext httpContext)"))
        {
            foreach (var parameter in bound)
            {
                WriteBinding(writer, contract, parameter, locals, isAsync);
                writer.WriteLine();
            }

            var service = locals.Allocate("service");
            var token = locals.Allocate("cancellationToken");
            var arguments = string.Join(", ", method.Parameters.Select(p => p.Source == ParameterSource.CancellationToken ? token : p.Name));
            var stream = method.ReturnsSseItem ? "StreamItemsAsync" : "StreamAsync";
            writer.WriteLine($"{(isAsync ? "await" : "return")} global::Sse.Runtime.AspNetCore.SseEndpoint.{stream}<{contract.InterfaceFullName}, {method.Item.TypeFullName}>(");
            using (writer.Indent())
            {
                writer.WriteLine("httpContext,");
                writer.WriteLine(descriptor + ",");
                writer.WriteLine($"({service}, {token}) => {service}.{method.Name}({arguments})){(isAsync ? ".ConfigureAwait(false)" : string.Empty)};");
            }
        }
    }

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

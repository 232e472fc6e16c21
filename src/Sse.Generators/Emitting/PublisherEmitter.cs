using System.Linq;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>
/// Emits <c>{Name}Publisher</c>, one member per topic method taking the topic's values and returning a typed
/// <c>SseTopic&lt;T&gt;</c> (<c>await chat.Room("lobby").PublishAsync(message)</c>), and <c>Add{Name}Publisher</c>.
/// </summary>
internal static class PublisherEmitter
{
    public static string Emit(ContractModel contract)
    {
        var writer = new SourceWriter();
        EmitterCommon.WriteHeader(writer);
        var className = contract.Name + "Publisher";
        using (EmitterCommon.OpenNamespace(writer, contract))
        {
            writer.WriteLine($"""
                /// <summary>
                /// Publishes to the topics of <see cref="{contract.InterfaceFullName}"/>, from anywhere in the server: each member names one
                /// topic, typed as the contract streams it. Registered by <c>Add{contract.Name}Publisher()</c>.
                /// </summary>
                {EmitterCommon.TypeAttributes}
                """);
            using (writer.Block($"{contract.Accessibility} sealed class {className}"))
            {
                writer.WriteLine($$"""
                    private readonly global::Sse.Runtime.AspNetCore.SseHub _hub;

                    /// <summary>Creates the publisher.</summary>
                    /// <param name="hub">The hub to publish to.</param>
                    public {{className}}(global::Sse.Runtime.AspNetCore.SseHub hub)
                    {
                        global::System.ArgumentNullException.ThrowIfNull(hub);
                        this._hub = hub;
                    }
                    """);
                foreach (var method in contract.Methods.Where(static m => m.Kind == MethodRole.Topic))
                {
                    var topic = method.Topic!;
                    var parameters = topic.Parts.Where(static p => !p.IsLiteral).Select(p => p.IsUser
                            ? "string user"
                            : ParameterFor(method, p.ParameterName!))
                        .Distinct()
                        .ToList();
                    writer.WriteLine();
                    writer.WriteLine($"/// <summary>The topic <c>{CSharpCode.Xml(topic.Template)}</c> that <see cref=\"{contract.InterfaceFullName}.{CSharpCode.Identifier(method.Name)}\"/> streams.</summary>");
                    foreach (var part in topic.Parts.Where(static p => !p.IsLiteral).Distinct())
                    {
                        writer.WriteLine(part.IsUser
                            ? $"/// <param name=\"user\">The user whose topic it is: their <c>{CSharpCode.Xml(topic.UserClaim!)}</c> claim.</param>"
                            : $"/// <param name=\"{part.ParameterName!.TrimStart('@')}\">The topic's <c>{{{part.Text}}}</c>.</param>");
                    }

                    writer.WriteLine("/// <returns>The topic: publish to it, subscribe to it in-process, count its subscribers.</returns>");
                    writer.WriteLine($"public global::Sse.Runtime.AspNetCore.SseTopic<{method.StreamItem.TypeFullName}> {CSharpCode.Identifier(method.Name)}({string.Join(", ", parameters)}) =>");
                    using (writer.Indent())
                    {
                        writer.WriteLine($"this._hub.Topic({ServerEmitter.TopicNameExpression(topic, "user")}, {EmitterCommon.EventFormatsClass(contract)}.{EmitterCommon.FormatField(method)});");
                    }
                }
            }

            writer.WriteLine();
            writer.WriteLine($"""
                /// <summary>Registers <see cref="{contract.GeneratedTypeFullName("Publisher")}"/> and the hub it publishes to.</summary>
                {EmitterCommon.TypeAttributes}
                """);
            using (writer.Block($"{contract.Accessibility} static class {className}ServiceCollectionExtensions"))
            {
                writer.WriteLine($$"""
                    /// <summary>
                    /// Registers <see cref="{{contract.GeneratedTypeFullName("Publisher")}}"/> and, unless already registered, the
                    /// <see cref="global::Sse.Runtime.AspNetCore.SseHub"/> that the contract's topic streams subscribe to.
                    /// </summary>
                    /// <param name="services">The service collection.</param>
                    /// <param name="configureHub">Configures the hub (replay, queues, slow consumers), or <see langword="null"/>.</param>
                    /// <returns>The service collection.</returns>
                    """);
                using (writer.Block($"public static global::Microsoft.Extensions.DependencyInjection.IServiceCollection Add{className}(this global::Microsoft.Extensions.DependencyInjection.IServiceCollection services, global::System.Action<global::Sse.Runtime.AspNetCore.SseHubOptions>? configureHub = null)"))
                {
                    writer.WriteLine("global::Sse.Runtime.AspNetCore.SseHubServiceCollectionExtensions.AddSseHub(services, configureHub);");
                    writer.WriteLine($"global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<{contract.GeneratedTypeFullName("Publisher")}>(services);");
                    writer.WriteLine("return services;");
                }
            }
        }

        return writer.ToString();
    }

    private static string ParameterFor(MethodModel method, string name)
    {
        var parameter = method.Parameters.First(p => p.Name == name);
        return parameter.TypeFullName + " " + parameter.Name;
    }
}

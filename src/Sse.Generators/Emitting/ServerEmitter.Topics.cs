using System.Linq;
using Sse.Generators.Common;
using Sse.Generators.Model;

namespace Sse.Generators.Emitting;

/// <summary>Topic methods: the endpoint that subscribes the connection, and the base class of mixed contracts.</summary>
internal static partial class ServerEmitter
{
    /// <summary>The topic's name from the bound values (and the user's claim), then the subscription.</summary>
    private static void WriteTopicSubscription(SourceWriter writer, MethodModel method, string description, NameAllocator locals, bool isAsync)
    {
        var topic = method.Topic!;
        string? user = null;
        if (topic.UserClaim is { } claim)
        {
            // {user} comes from the authenticated user's claim, never from the request.
            user = locals.Allocate("user");
            writer.WriteLine($"// {{user}}: the authenticated user's claim {claim}; 401 when anonymous, 403 without the claim");
            writer.WriteLine($"var {user} = {Infrastructure}.SseTopicEndpoint.GetUserClaim(httpContext, {CSharpCode.Literal(claim)});");
            using (writer.Block($"if ({user} is null)"))
            {
                WriteReturn(writer, $"{Infrastructure}.SseTopicEndpoint.WriteNoUserAsync(httpContext, {CSharpCode.Literal(claim)})", isAsync);
            }

            writer.WriteLine();
        }

        var name = locals.Allocate("topic");
        writer.WriteLine($"var {name} = {TopicNameExpression(topic, user)};");
        writer.WriteCall(
            $"{(isAsync ? "await " : "return ")}{Infrastructure}.SseTopicEndpoint.SubscribeAsync",
            ["httpContext", description, name],
            isAsync ? ".ConfigureAwait(false);" : ";");
    }

    /// <summary>The expression composing a topic's name: literal parts as they are, each value encoded.</summary>
    internal static string TopicNameExpression(TopicModel topic, string? user)
    {
        var parts = topic.Parts.Select(part => part.IsLiteral ? CSharpCode.Literal(part.Text)
            : part.IsUser ? $"{Infrastructure}.SseTopicName.Value({user})"
            : $"{Infrastructure}.SseTopicName.Value({part.ParameterName})").ToList();
        return parts.Count == 1 ? parts[0] : "string.Concat(" + string.Join(", ", parts) + ")";
    }

    /// <summary>
    /// <c>{Name}Base</c>: the contract's topic methods already implemented (they subscribe in-process), the others
    /// abstract, so a mixed contract's implementation writes only what is its own.
    /// </summary>
    private static void WriteBaseClass(SourceWriter writer, ContractModel contract)
    {
        var className = contract.Name + "Base";
        writer.WriteLine($"""
            /// <summary>
            /// A base for the server's implementation of <see cref="{contract.InterfaceFullName}"/>: its topic methods are implemented
            /// (they subscribe to the hub in-process), so a derived class writes only the streams and commands.
            /// </summary>
            {EmitterCommon.TypeAttributes}
            """);
        using (writer.Block($"{contract.Accessibility} abstract class {className} : {contract.InterfaceFullName}"))
        {
            writer.WriteLine($$"""
                /// <summary>Creates the base.</summary>
                /// <param name="hub">The hub the topic methods subscribe to.</param>
                protected {{className}}(global::Sse.Runtime.AspNetCore.SseHub hub)
                {
                    global::System.ArgumentNullException.ThrowIfNull(hub);
                    this.Hub = hub;
                }

                /// <summary>Gets the hub the topic methods subscribe to.</summary>
                protected global::Sse.Runtime.AspNetCore.SseHub Hub { get; }
                """);
            foreach (var method in contract.Methods)
            {
                writer.WriteLine();
                writer.WriteLine("/// <inheritdoc />");
                var signature = string.Join(", ", method.Parameters.Select(EmitterCommon.ParameterDeclaration));
                if (method.Kind != MethodRole.Topic)
                {
                    writer.WriteLine($"public abstract {method.ReturnTypeFullName} {CSharpCode.Identifier(method.Name)}({signature});");
                    continue;
                }

                var token = method.CancellationToken?.Name ?? "default";
                if (method.Topic!.UserClaim is not null)
                {
                    // Whose topic is only known in a request; in-process, the publisher names the user.
                    using (writer.Block($"public {method.ReturnTypeFullName} {CSharpCode.Identifier(method.Name)}({signature})"))
                    {
                        writer.WriteLine($"throw new global::System.InvalidOperationException({CSharpCode.Literal($"{contract.InterfaceName}.{method.Name} streams the topic of the user making the request; in-process, subscribe with {contract.Name}Publisher.{method.Name}(user).SubscribeAsync().")});");
                    }

                    continue;
                }

                var topic = $"this.Hub.Topic({TopicNameExpression(method.Topic, user: null)}, {EmitterCommon.EventFormatsClass(contract)}.{EmitterCommon.FormatField(method)})";
                writer.WriteLine($"public {method.ReturnTypeFullName} {CSharpCode.Identifier(method.Name)}({signature}) =>");
                using (writer.Indent())
                {
                    writer.WriteLine($"{Infrastructure}.SseTopicName.DataOf({topic}.SubscribeAsync(null, {token}), {token});");
                }
            }
        }
    }
}

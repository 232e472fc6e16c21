using System;

namespace Sse.Contracts;

/// <summary>
/// Makes a stream method a topic subscription: its endpoint needs no implementation, it subscribes the connection to
/// the topic named by <see cref="Template"/>, and everything published to that topic (with the generated
/// <c>{Name}Publisher</c>, from anywhere in the server) reaches every subscriber. Topic streams are resumable: the hub
/// keeps recent events, so a reconnecting client gets what it missed.
/// </summary>
/// <remarks>
/// <para>
/// The template is text with placeholders: <c>{name}</c> is the value of the method parameter <c>name</c> (from the
/// route, query or a header), and <c>{user}</c> is the authenticated user's <see cref="UserClaim"/>, never anything the
/// request says, so a stream for one user cannot be read by another: <c>[SseTopic("inbox/{user}")]</c>.
/// </para>
/// <para>Example: <c>[SseGet("/rooms/{room}")] [SseTopic("rooms/{room}")] IAsyncEnumerable&lt;ChatMessage&gt; Room(string room);</c></para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SseTopicAttribute : Attribute
{
    /// <summary>The claim <c>{user}</c> stands for unless <see cref="UserClaim"/> says otherwise: the name identifier.</summary>
    public const string DefaultUserClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

    /// <summary>Creates the attribute.</summary>
    /// <param name="template">The topic's name, with <c>{parameter}</c> and <c>{user}</c> placeholders.</param>
    public SseTopicAttribute(string template)
    {
        Template = template ?? string.Empty;
    }

    /// <summary>Gets the topic's name template.</summary>
    public string Template { get; }

    /// <summary>
    /// Gets or sets the claim whose value <c>{user}</c> stands for, such as <c>"sub"</c>. Default: the name identifier
    /// (<see cref="DefaultUserClaim"/>).
    /// </summary>
    public string UserClaim { get; set; } = DefaultUserClaim;
}

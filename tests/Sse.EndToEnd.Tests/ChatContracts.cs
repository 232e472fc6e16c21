using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sse.Contracts;
using Sse.Runtime.AspNetCore;

[assembly: SseClient(typeof(Sse.EndToEnd.Tests.IChatFeed))]

namespace Sse.EndToEnd.Tests;

public sealed record ChatMessage(string From, string Text);

public sealed record RoomInfo(string Room, int Subscribers);

/// <summary>Topics by route value and per user, commands that publish, and a hand-written stream: a mixed contract.</summary>
[SseStream("/chat", JsonContext = typeof(ChatJson))]
public interface IChatFeed
{
    [SseGet("/rooms/{room}")]
    [SseTopic("rooms/{room}")]
    IAsyncEnumerable<ChatMessage> Room(string room, CancellationToken cancellationToken = default);

    /// <summary>The messages for the user making the request: the topic's key is their claim, never a request value.</summary>
    [SseGet("/inbox")]
    [SseTopic("inbox/{user}", UserClaim = "sub")]
    IAsyncEnumerable<ChatMessage> Inbox(CancellationToken cancellationToken = default);

    [SsePost("/rooms/{room}/messages")]
    Task Send(string room, ChatMessage message, CancellationToken cancellationToken = default);

    [SsePost("/direct/{to}")]
    Task Direct(string to, ChatMessage message, CancellationToken cancellationToken = default);

    [SseGet("/rooms/{room}/info")]
    Task<RoomInfo> Info(string room, CancellationToken cancellationToken = default);

    /// <summary>Fails on purpose.</summary>
    Task Broken(CancellationToken cancellationToken = default);

    /// <summary>Refuses on purpose, as an implementation does for an unknown room.</summary>
    [SsePost("/rooms/{room}/refuse")]
    Task Refuse(string room, CancellationToken cancellationToken = default);

    /// <summary>A hand-written stream over a topic: only the messages of one sender, resumable with the hub's ids.</summary>
    [SseGet("/rooms/{room}/from/{from}")]
    IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<ChatMessage>> From(string room, string from, [LastEventId] string? lastEventId = null, CancellationToken cancellationToken = default);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(RoomInfo))]
internal sealed partial class ChatJson : JsonSerializerContext;

/// <summary>Writes only the commands and the hand-written stream: the topic methods come from the generated base.</summary>
internal sealed class ChatFeed(SseHub hub, ChatFeedPublisher publisher) : ChatFeedBase(hub)
{
    public override async Task Send(string room, ChatMessage message, CancellationToken cancellationToken = default) =>
        await publisher.Room(room).PublishAsync(message, cancellationToken);

    public override async Task Direct(string to, ChatMessage message, CancellationToken cancellationToken = default) =>
        await publisher.Inbox(to).PublishAsync(message, cancellationToken);

    public override Task<RoomInfo> Info(string room, CancellationToken cancellationToken = default) =>
        Task.FromResult(new RoomInfo(room, publisher.Room(room).SubscriberCount));

    public override Task Broken(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("Broken on purpose.");

    public override Task Refuse(string room, CancellationToken cancellationToken = default) =>
        throw new Microsoft.AspNetCore.Http.BadHttpRequestException("There is no such thing here.", 404);

    public override async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<ChatMessage>> From(string room, string from, string? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in publisher.Room(room).SubscribeAsync(lastEventId, cancellationToken))
        {
            if (item.Data.From == from)
            {
                yield return item;
            }
        }
    }
}

/// <summary>Authenticates a request as the user its X-Test-User header names (with a 'sub' claim), for per-user topics.</summary>
internal sealed class TestUserAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestUser";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers["X-Test-User"].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Claim[] claims = user == "nosub" ? [new Claim(ClaimTypes.Name, user)] : [new Claim("sub", user), new Claim(ClaimTypes.Name, user)];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

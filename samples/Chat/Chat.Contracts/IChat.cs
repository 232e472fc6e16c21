using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Sse.Contracts;

namespace Chat;

/// <summary>
/// Chat rooms (every member of a room gets its messages) and direct messages (only the user they are for gets them).
/// The streams are topics the server publishes to; sending is a command in the same contract.
/// </summary>
[SseStream("/chat", JsonContext = typeof(ChatJson))]
public interface IChat
{
    /// <summary>Streams the messages sent to a room, from the moment of joining (or after the last one seen, on a reconnect).</summary>
    /// <param name="room">The room, one of <see cref="Rooms"/>.</param>
    /// <param name="cancellationToken">Leaves the room.</param>
    /// <returns>The room's messages.</returns>
    [SseGet("/rooms/{room}")]
    [SseTopic("rooms/{room}")]
    IAsyncEnumerable<ChatMessage> Room(string room, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the direct messages of the signed-in user: the ones sent to them and the ones they sent. The topic's key
    /// is the user's name-identifier claim, never a value of the request, so no one can read another user's messages.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The user's direct messages.</returns>
    [SseGet("/direct")]
    [SseTopic("users/{user}")]
    IAsyncEnumerable<ChatMessage> Direct(CancellationToken cancellationToken = default);

    /// <summary>Sends a message to everyone in a room, as the signed-in user.</summary>
    /// <param name="room">The room.</param>
    /// <param name="draft">The text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The message as the room got it.</returns>
    [SsePost("/rooms/{room}")]
    Task<ChatMessage> Send(string room, Draft draft, CancellationToken cancellationToken = default);

    /// <summary>Sends a direct message to a user who is online.</summary>
    /// <param name="user">The user it is for.</param>
    /// <param name="draft">The text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The message as the user got it.</returns>
    [SsePost("/users/{user}")]
    Task<ChatMessage> SendDirect(string user, Draft draft, CancellationToken cancellationToken = default);

    /// <summary>The rooms, with how many connections are in each.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The rooms.</returns>
    [SseGet("/rooms")]
    Task<RoomInfo[]> Rooms(CancellationToken cancellationToken = default);
}

/// <summary>A message someone sent.</summary>
/// <param name="From">The user who sent it.</param>
/// <param name="Text">What they wrote.</param>
/// <param name="At">When the server accepted it.</param>
/// <param name="Room">The room it was sent to, or <see langword="null"/> for a direct message.</param>
/// <param name="To">The user a direct message is for, or <see langword="null"/> for a room message.</param>
public sealed record ChatMessage(string From, string Text, DateTimeOffset At, string? Room = null, string? To = null);

/// <summary>The text of a message to send.</summary>
/// <param name="Text">One to 500 characters.</param>
public sealed record Draft(string Text);

/// <summary>A room.</summary>
/// <param name="Name">Its name, as used in the routes.</param>
/// <param name="Members">How many streams are open on it.</param>
public sealed record RoomInfo(string Name, int Members);

/// <summary>The JSON metadata of the contract, shared by the server, the console client and (by shape) the page.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(Draft))]
[JsonSerializable(typeof(RoomInfo[]))]
public sealed partial class ChatJson : JsonSerializerContext;

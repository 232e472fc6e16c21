using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Chat;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using Sse.Runtime;

// The contract lives in Chat.Contracts; this line generates its client part (ChatClient) here.
[assembly: SseClient(typeof(IChat))]

// dotnet run --project samples/Chat/Chat.Client -- [server] [name] [room]
//   e.g. -- http://127.0.0.1:5000 alice lobby
// Then type a line to send it to the room, "@bob hello" to send bob a direct message, "/rooms" to list the rooms.
// The client leaves when standard input ends (Ctrl+D) or on "/quit".
var server = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5000");
var name = args.Length > 1 ? args[1] : Environment.UserName;
var room = args.Length > 2 ? args[2] : "lobby";

// One cookie jar for the sign-in and the typed client, so every stream and command is made as this user.
var cookies = new CookieContainer();
using (var login = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = server })
{
    using var response = await login.PostAsync("/login", new FormUrlEncodedContent([new("name", name)]));
    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"Sign-in as '{name}' failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return 2;
    }
}

var services = new ServiceCollection();
services.AddChatClient(http => http.BaseAddress = server)
    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { CookieContainer = cookies });
await using var provider = services.BuildServiceProvider();
var chat = provider.GetRequiredService<IChat>();

using var leave = new CancellationTokenSource();

// Both streams reconnect by themselves and resume after the last message they saw.
await using var roomStream = await chat.Room(room, leave.Token).ConnectAsync(leave.Token);
await using var directStream = await chat.Direct(leave.Token).ConnectAsync(leave.Token);
Console.WriteLine($"{name} joined #{room}");
var reading = Task.WhenAll(PrintAsync(roomStream, leave.Token), PrintAsync(directStream, leave.Token));

while (Console.ReadLine() is { } line && line != "/quit")
{
    try
    {
        if (line == "/rooms")
        {
            foreach (var info in await chat.Rooms())
            {
                Console.WriteLine($"#{info.Name}: {info.Members} connected");
            }
        }
        else if (line.StartsWith('@') && line.IndexOf(' ') is > 1 and var space)
        {
            await chat.SendDirect(line[1..space], new Draft(line[(space + 1)..]));
        }
        else if (line.Length > 0)
        {
            await chat.Send(room, new Draft(line));
        }
    }
    catch (HttpRequestException ex)
    {
        // The server's problem details say what was wrong: an unknown user, an empty message.
        Console.Error.WriteLine($"! {(ex as Sse.Runtime.SseHttpException)?.ProblemDetail ?? ex.Message}");
    }
}

await leave.CancelAsync();
await reading;
return 0;

static async Task PrintAsync(IAsyncEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
{
    try
    {
        await foreach (var message in messages.WithCancellation(cancellationToken))
        {
            Console.WriteLine(message.Room is { } room
                ? $"[#{room}] {message.From}: {message.Text}"
                : $"[{message.From} → {message.To}] {message.Text}");
        }
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
    }
}

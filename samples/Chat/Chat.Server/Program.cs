using System;
using System.Linq;
using System.Security.Claims;
using System.Threading;
using System.Threading.Tasks;
using Chat;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sse.Contracts;
using Sse.Runtime.AspNetCore;

// The contract lives in Chat.Contracts; this line generates its server part (MapChat, ChatBase, ChatPublisher) here.
[assembly: SseServer(typeof(IChat))]

// dotnet run --project samples/Chat/Chat.Server -- --urls http://127.0.0.1:5000
// then open http://127.0.0.1:5000/ in two browser windows, or run the console client.
var builder = WebApplication.CreateSlimBuilder(args);

// Static web assets of referenced packages (the TypeScript runtime) from their build output in every environment, as
// Development does by itself; a published app serves them from its wwwroot.
builder.WebHost.UseStaticWebAssets();
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5000");

// Sign-in is a development stand-in: POST /login with a name gets a cookie, no password. Any ASP.NET Core
// authentication works the same way; the per-user stream only needs the user's name-identifier claim.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(static options =>
{
    options.Cookie.Name = "chat-user";
    options.Events.OnRedirectToLogin = static context => Refuse(context.Response, StatusCodes.Status401Unauthorized);
    options.Events.OnRedirectToAccessDenied = static context => Refuse(context.Response, StatusCodes.Status403Forbidden);
});
builder.Services.AddAuthorization();
builder.Services.AddHttpContextAccessor();
builder.Services.AddChatPublisher(static hub =>
{
    // Only the rooms there are; a wrong name is a clear 404, not a silent empty stream.
    hub.AuthorizeSubscription = static context =>
        context.Stream == "Chat.Room" && !ChatRooms.All.Contains(context.Topic["rooms/".Length..])
            ? throw new BadHttpRequestException($"There is no room '{context.Topic["rooms/".Length..]}'; the rooms are {string.Join(", ", ChatRooms.All)}.", StatusCodes.Status404NotFound)
            : ValueTask.FromResult(true);
});
builder.Services.AddScoped<IChat, ChatService>();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
// The page's TypeScript runtime (@sse-contracts/client) is a static web asset of the server package, served at
// /_content/Sse.Runtime.AspNetCore/sse-client/index.js by MapStaticAssets, under dotnet run and after dotnet publish.
app.MapStaticAssets();
app.UseAuthentication();
app.UseAuthorization();
app.MapPost("/login", static async (HttpContext context) =>
{
    var form = await context.Request.ReadFormAsync();
    var name = form["name"].ToString().Trim();
    if (!ChatRooms.IsValidUserName(name))
    {
        return Results.Problem($"'{name}' is not a user name: use 1 to 20 letters, digits, '-' or '_'.", statusCode: StatusCodes.Status400BadRequest);
    }

    var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.NoContent();
});
app.MapPost("/logout", static async (HttpContext context) =>
{
    await context.SignOutAsync();
    return Results.NoContent();
});
app.MapGet("/me", static (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? Results.Text(user.Identity.Name) : Results.Unauthorized());
app.MapChat().RequireAuthorization();   // every stream and command needs a signed-in user
app.Run();

static Task Refuse(HttpResponse response, int status)
{
    response.StatusCode = status;
    return Task.CompletedTask;
}

/// <summary>The rooms and the rules for names.</summary>
internal static class ChatRooms
{
    public static readonly string[] All = ["lobby", "dotnet", "random"];

    public static bool IsValidUserName(string name) =>
        name.Length is > 0 and <= 20 && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>
/// The contract's hand-written part: the commands. The two streams are topics, subscribed by the generated
/// <c>ChatBase</c>; sending publishes to them through the generated <c>ChatPublisher</c>.
/// </summary>
internal sealed class ChatService(SseHub hub, ChatPublisher publisher, IHttpContextAccessor http) : ChatBase(hub)
{
    private string Me => http.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new BadHttpRequestException("Sign in first.", StatusCodes.Status401Unauthorized);

    public override async Task<ChatMessage> Send(string room, Draft draft, CancellationToken cancellationToken = default)
    {
        if (!ChatRooms.All.Contains(room))
        {
            throw new BadHttpRequestException($"There is no room '{room}'; the rooms are {string.Join(", ", ChatRooms.All)}.", StatusCodes.Status404NotFound);
        }

        var message = new ChatMessage(Me, Validate(draft), DateTimeOffset.UtcNow, Room: room);
        await publisher.Room(room).PublishAsync(message, cancellationToken);
        return message;
    }

    public override async Task<ChatMessage> SendDirect(string user, Draft draft, CancellationToken cancellationToken = default)
    {
        var to = publisher.Direct(user);
        if (to.SubscriberCount == 0)
        {
            throw new BadHttpRequestException($"'{user}' is not online.", StatusCodes.Status404NotFound);
        }

        var me = Me;
        var message = new ChatMessage(me, Validate(draft), DateTimeOffset.UtcNow, To: user);
        await to.PublishAsync(message, cancellationToken);
        if (user != me)
        {
            await publisher.Direct(me).PublishAsync(message, cancellationToken);   // the sender's other windows see it too
        }

        return message;
    }

    public override Task<RoomInfo[]> Rooms(CancellationToken cancellationToken = default) =>
        Task.FromResult(ChatRooms.All.Select(room => new RoomInfo(room, publisher.Room(room).SubscriberCount)).ToArray());

    private static string Validate(Draft draft)
    {
        var text = draft.Text.Trim();
        return text.Length is > 0 and <= 500
            ? text
            : throw new BadHttpRequestException("A message has 1 to 500 characters.", StatusCodes.Status400BadRequest);
    }
}

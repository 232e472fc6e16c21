using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Sse.Tests;
using Xunit;

namespace Sse.Samples.Tests;

/// <summary>samples/Chat: rooms and direct messages between pages and console clients, all at once.</summary>
[Collection(SamplesCollection.Name)]
[Trait("Category", "Samples")]
public sealed class ChatTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Server = "samples/Chat/Chat.Server";
    private const string Client = "samples/Chat/Chat.Client";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [RequiresToolFact(Chromium.Executable, Chromium.Install)]
    public async Task TwoPagesAndAConsoleClient_ShareARoom_AndDirectMessagesReachOnlyTheirUser()
    {
        await using var server = await AppProcess.StartServerAsync(Server);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);

        // Each page is its own browser context: its own cookie, its own user.
        var alice = await SignInAsync(browser, server.Address, "alice");
        var bob = await SignInAsync(browser, server.Address, "bob");
        await using var carol = AppProcess.Start(Client, server.Address.ToString(), "carol", "lobby");
        await carol.WaitForLineAsync(static l => l == "carol joined #lobby", Wait);

        await SendAsync(alice, "hello from alice's page");
        await WaitForMessageAsync(bob, "alice:", "hello from alice's page");
        await carol.WaitForLineAsync(static l => l == "[#lobby] alice: hello from alice's page", Wait);

        await carol.WriteLineAsync("hi, carol here (console)");
        await WaitForMessageAsync(alice, "carol:", "hi, carol here (console)");
        await WaitForMessageAsync(bob, "carol:", "hi, carol here (console)");

        // A direct message: the recipient and the sender see it, nobody else.
        await SendAsync(bob, "@alice just for you");
        await WaitForMessageAsync(alice, "bob → alice:", "just for you");
        await WaitForMessageAsync(bob, "bob → alice:", "just for you");
        await carol.WriteLineAsync("@bob and one for bob");
        await carol.WaitForLineAsync(static l => l == "[carol → bob] and one for bob", Wait);
        await WaitForMessageAsync(bob, "carol → bob:", "and one for bob");

        // Errors are shown, with the server's reason.
        await SendAsync(alice, "@nobody are you there?");
        await alice.WaitForFunctionAsync("() => document.getElementById('error').textContent === \"'nobody' is not online.\"", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        await carol.WriteLineAsync("/rooms");
        await carol.WaitForLineAsync(static l => l == "#lobby: 3 connected", Wait);

        // The page's room list comes from the Rooms command, through the generated client.
        await alice.WaitForFunctionAsync("() => [...document.querySelectorAll('#rooms button')].some(b => b.textContent === '#lobby (3)')", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        await Chromium.ScreenshotAsync(alice, "chat-alice");
        await Chromium.ScreenshotAsync(bob, "chat-bob");
        Assert.DoesNotContain("and one for bob", await alice.InnerTextAsync("#messages"), StringComparison.Ordinal);
        Assert.DoesNotContain("just for you", carol.Output, StringComparison.Ordinal);

        carol.CloseInput();
        Assert.Equal(0, await carol.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task Server_RefusesWhatItShould_WithReasons()
    {
        await using var server = await AppProcess.StartServerAsync(Server);
        using var anonymous = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/chat/rooms/lobby", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/chat/rooms/lobby", new { text = "hi" })).StatusCode);

        using var login = await anonymous.PostAsync("/login", new FormUrlEncodedContent([new("name", "not a name")]));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);

        var cookies = new CookieContainer();
        using var dave = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = server.Address };
        (await dave.PostAsync("/login", new FormUrlEncodedContent([new("name", "dave")]))).EnsureSuccessStatusCode();

        await AssertProblemAsync(await dave.GetAsync("/chat/rooms/kitchen", HttpCompletionOption.ResponseHeadersRead), HttpStatusCode.NotFound, "There is no room 'kitchen'; the rooms are lobby, dotnet, random.");
        await AssertProblemAsync(await dave.PostAsJsonAsync("/chat/rooms/kitchen", new { text = "hi" }), HttpStatusCode.NotFound, "There is no room 'kitchen'; the rooms are lobby, dotnet, random.");
        await AssertProblemAsync(await dave.PostAsJsonAsync("/chat/rooms/lobby", new { text = "   " }), HttpStatusCode.BadRequest, "A message has 1 to 500 characters.");
        await AssertProblemAsync(await dave.PostAsJsonAsync("/chat/rooms/lobby", new { words = "hi" }), HttpStatusCode.BadRequest, "missing required properties including: 'text'");
        await AssertProblemAsync(await dave.PostAsJsonAsync("/chat/users/erin", new { text = "hi" }), HttpStatusCode.NotFound, "'erin' is not online.");

        // The sender is the signed-in user, whatever the body says.
        using var sent = await dave.PostAsJsonAsync("/chat/rooms/lobby", new { text = "hi", from = "mallory" });
        sent.EnsureSuccessStatusCode();
        using var message = JsonDocument.Parse(await sent.Content.ReadAsStringAsync());
        Assert.Equal("dave", message.RootElement.GetProperty("from").GetString());
        Assert.Equal("lobby", message.RootElement.GetProperty("room").GetString());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private async Task<IPage> SignInAsync(IBrowser browser, Uri server, string name)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 700 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"[{name} console {message.Type}] {message.Text}");
        page.PageError += (_, error) => output.WriteLine($"[{name} page error] {error}");
        await page.GotoAsync(server.ToString());
        await page.FillAsync("input[name=name]", name);
        await page.ClickAsync("#login button");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'in #lobby'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        return page;
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.FillAsync("input[name=text]", text);
        await page.ClickAsync("#send button");
    }

    private static async Task WaitForMessageAsync(IPage page, string from, string text) =>
        await page.WaitForFunctionAsync(
            "([from, text]) => [...document.querySelectorAll('#messages li')].some(li => li.querySelector('.from').textContent === from && li.querySelector('.text').textContent === text)",
            new[] { from, text },
            new PageWaitForFunctionOptions { Timeout = 30_000 });
}

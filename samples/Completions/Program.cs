using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Completions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sse.Contracts;
using Sse.Runtime.AspNetCore;

// The console mode below calls the server with the generated .NET client; the page uses the generated TypeScript one.
[assembly: SseClient(typeof(ICompletions))]

// dotnet run --project samples/Completions                       serves the page on http://127.0.0.1:5000/
// dotnet run --project samples/Completions -- --ask "Why SSE?"    asks once from the console and prints the tokens
//   ... --ask "Why SSE?" --server http://127.0.0.1:5000            asks a running server instead of its own
//   curl -N http://127.0.0.1:5000/api/complete -H 'content-type: application/json' -d '{"text":"Why SSE?"}'
//   curl -N http://127.0.0.1:5000/api/complete/runs/{id}           attaches to a run by the id its Sse-Run-Id header gave
var ask = Option(args, "--ask");
var server = Option(args, "--server");
if (ask is not null && server is not null)
{
    await AskAsync(new Uri(server), ask);
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);

// Static web assets of referenced packages (the TypeScript runtime) from their build output in every environment, as
// Development does by itself; a published app serves them from its wwwroot.
builder.WebHost.UseStaticWebAssets();
builder.WebHost.UseUrls(ask is null ? builder.Configuration["urls"] ?? "http://127.0.0.1:5000" : "http://127.0.0.1:0");
if (ask is not null)
{
    builder.Logging.ClearProviders();
}

// The hub keeps each run's tokens (in memory here; AddSsePostgreSql/AddSseRedis for several servers), so a page that
// reloads, a second tab or another app attaches to the run instead of asking again.
builder.Services.AddSseHub();
builder.Services.AddSingleton<ICompletions, EchoModel>();
var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
// The page's TypeScript runtime (@sse-contracts/client) is a static web asset of the server package, served at
// /_content/Sse.Runtime.AspNetCore/sse-client/index.js by MapStaticAssets, under dotnet run and after dotnet publish.
app.MapStaticAssets();
app.MapCompletions();

if (ask is null)
{
    app.Run();
    return;
}

// Console mode: the generated client against this process's own server, as another app would call it.
await app.StartAsync();
await AskAsync(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), ask);
await app.StopAsync();

// Starts a run and prints its tokens as they come; a lost connection re-attaches to the run by its id (printed first)
// with the last event id, so the answer is whole, each token once, and the POST is never sent twice.
static async Task AskAsync(Uri address, string prompt)
{
    var services = new ServiceCollection();
    services.AddCompletionsClient(http => http.BaseAddress = address, options => options.OnReconnecting = context => Console.Error.WriteLine($"[re-attaching after {context.LastEventId}]"));
#pragma warning disable ASP0000 // The client's own container, as a separate app would have.
    await using var provider = services.BuildServiceProvider();
#pragma warning restore ASP0000
    Console.WriteLine($"> {prompt}");
    var run = provider.GetRequiredService<CompletionsClient>().StartComplete(new Prompt(prompt));
    _ = run.Started.ContinueWith(static started => Console.Error.WriteLine($"[run {started.Result}]"), TaskContinuationOptions.OnlyOnRanToCompletion);
    await foreach (var item in run)
    {
        switch (item)
        {
            case Token token:
                Console.Write(token.Text);
                break;
            case Done done:
                Console.WriteLine();
                Console.WriteLine($"[done: {done.Tokens} tokens, {done.FinishReason}]");
                break;
        }
    }
}

static string? Option(string[] args, string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
/// <summary>
/// A stand-in for a language model: it answers every prompt with the same explanation (the prompt quoted), one word at
/// a time, <c>TokenDelayMs</c> apart (configuration; 30 by default), as a model's tokens arrive.
/// </summary>
internal sealed partial class EchoModel(IConfiguration configuration) : ICompletions
{
    public async IAsyncEnumerable<CompletionEvent> Complete(Prompt prompt, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = prompt.Text?.Trim() ?? string.Empty;
        if (text.Length is 0 or > 2000)
        {
            throw new BadHttpRequestException("The prompt has 1 to 2000 characters.", StatusCodes.Status400BadRequest);
        }

        if (prompt.MaxTokens is < 1 or > 500)
        {
            throw new BadHttpRequestException("maxTokens is between 1 and 500.", StatusCodes.Status400BadRequest);
        }

        var delay = TimeSpan.FromMilliseconds(int.TryParse(configuration["TokenDelayMs"], out var ms) && ms >= 0 ? ms : 30);
        var answer = $"You asked: \"{text}\". This answer arrives one token at a time, each a typed event on one " +
            "server-sent-events stream that a POST started, so the page shows it as it is written; a done event then " +
            "says how the answer ended.";
        var tokens = Words().Matches(answer).Select(static m => m.Value).ToList();
        var sent = 0;
        foreach (var token in tokens.Take(prompt.MaxTokens))
        {
            await Task.Delay(delay, cancellationToken);
            yield return new Token(token, sent++);
        }

        yield return new Done(sent, sent < tokens.Count ? "length" : "stop");
    }

    /// <summary>A word with the spaces before it.</summary>
    [GeneratedRegex(@"\s*\S+")]
    private static partial Regex Words();
}

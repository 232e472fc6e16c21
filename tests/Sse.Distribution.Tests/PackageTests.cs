using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Playwright;
using Sse.Tests;
using Xunit;

namespace Sse.Distribution.Tests;

/// <summary>
/// Every package the repository ships, packed once for the tests that install them: the NuGet packages (one pack of
/// <c>Sse.Packages.slnf</c>, under a version of its own so nothing comes from an earlier run's cache) and the
/// TypeScript runtime's npm tarball (<c>npm pack</c>), in one local folder feed.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public string Work { get; } = Directory.CreateTempSubdirectory("sse-packages-").FullName;

    public string Feed => Path.Combine(Work, "feed");

    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    /// <summary>The npm package's tarball.</summary>
    public string NpmTarball { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        (await ProcessRunner.RunAsync("dotnet", ["pack", RepoPaths.File("Sse.Packages.slnf"), "-c", "Release", "-o", Feed, $"-p:Version={Version}", "--artifacts-path", Path.Combine(Work, "artifacts")], RepoPaths.Root, TimeSpan.FromMinutes(5)))
            .EnsureSuccess("dotnet pack Sse.Packages.slnf");

        var package = RepoPaths.File("clients/typescript");
        var npm = Tools.Require("npm", "apt-get install -y nodejs npm");
        if (!File.Exists(Path.Combine(package, "node_modules", "typescript", "bin", "tsc")))
        {
            (await ProcessRunner.RunAsync(npm, ["ci", "--no-audit", "--no-fund"], package, TimeSpan.FromMinutes(5))).EnsureSuccess("npm ci (clients/typescript)");
        }

        (await ProcessRunner.RunAsync(npm, ["pack", "--pack-destination", Feed], package, TimeSpan.FromMinutes(5))).EnsureSuccess("npm pack (clients/typescript)");
        NpmTarball = Directory.GetFiles(Feed, "sse-contracts-client-*.tgz").Single();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>A nuget.config for a new project: the local feed first.</summary>
    public string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """;
}

/// <summary>As a new user would: a brand-new project outside the solution, the packed packages from a local folder feed.</summary>
[Collection(DistributionCollection.Name)]
[Trait("Category", "Distribution")]
public sealed class PackageTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    [Fact]
    public async Task NewProject_InstallsThePackages_BuildsRunsAndStreams()
    {
        var work = packed.Work;
        var feed = packed.Feed;
        var version = packed.Version;
        var app = Path.Combine(work, "NewApp");
        Directory.CreateDirectory(app);
        // Every project of the package filter but the generator (it ships inside Sse.Contracts), so none is forgotten.
        var packable = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "Sse.Packages.slnf")), @"\\(Sse[\w.]+)\.csproj")
            .Select(static m => m.Groups[1].Value)
            .Where(static name => name != "Sse.Generators")
            .ToList();
        Assert.Contains("Sse.Runtime.AspNetCore.Redis", packable);
        foreach (var project in packable)
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{project}.{version}.nupkg")), $"{project}.{version}.nupkg was not produced.");
            Assert.True(File.Exists(Path.Combine(feed, $"{project}.{version}.snupkg")), $"{project}.{version}.snupkg was not produced.");
        }

        using (var contracts = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"Sse.Contracts.{version}.nupkg")))
        {
            Assert.Contains(contracts.Entries, static e => e.FullName == "analyzers/dotnet/cs/Sse.Generators.dll");
        }

        Assert.DoesNotContain(Directory.GetFiles(feed), static f => Path.GetFileName(f).StartsWith("Sse.Generators.", StringComparison.Ordinal));

        // The TypeScript runtime is a static web asset of the server package, without source maps to missing sources.
        using (var server = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"Sse.Runtime.AspNetCore.{version}.nupkg")))
        {
            Assert.Contains(server.Entries, static e => e.FullName == "staticwebassets/sse-client/index.js");
            Assert.DoesNotContain(server.Entries, static e => e.FullName.EndsWith(".js.map", StringComparison.Ordinal));
        }

        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), packed.NuGetConfig);

        // Only the server runtime is referenced: the contracts, the client runtime and the generator come with it.
        await File.WriteAllTextAsync(Path.Combine(app, "NewApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- The browser's client: the package's build files write it to client/ after the build. -->
                <SseTypeScriptOutput>client</SseTypeScriptOutput>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Sse.Runtime.AspNetCore" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Runtime.CompilerServices;
            using System.Text.Json.Serialization;
            using Microsoft.AspNetCore.Hosting.Server;
            using Microsoft.AspNetCore.Hosting.Server.Features;
            using Sse.Contracts;

            // This app serves the contract and, for the demo, reads it too: the client part is asked for.
            [assembly: SseClient(typeof(IWeather))]

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IWeather, Weather>();
            var app = builder.Build();
            app.MapWeather();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

            var services = new ServiceCollection();
            services.AddWeatherClient(http => http.BaseAddress = new Uri(address));
            #pragma warning disable ASP0000 // The client's own container, as a separate app would have.
            await using var provider = services.BuildServiceProvider();
            #pragma warning restore ASP0000
            await foreach (var reading in provider.GetRequiredService<IWeather>().Readings("Oslo", 3))
            {
                Console.WriteLine($"reading {reading.Seq}: {reading.City} {reading.Celsius}");
            }

            await app.StopAsync();

            [SseStream("/weather", JsonContext = typeof(WeatherJson))]
            public interface IWeather
            {
                [SseGet("/{city}")]
                IAsyncEnumerable<Reading> Readings(string city, int count, CancellationToken cancellationToken = default);
            }

            public sealed record Reading(string City, double Celsius, [property: SseEventId] int Seq);

            [JsonSerializable(typeof(Reading))]
            internal sealed partial class WeatherJson : JsonSerializerContext;

            internal sealed class Weather : IWeather
            {
                public async IAsyncEnumerable<Reading> Readings(string city, int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    for (var i = 0; i < count; i++)
                    {
                        await Task.Yield();
                        yield return new Reading(city, 10.5 + i, i);
                    }
                }
            }
            """);

        var run = await ProcessRunner.RunAsync("dotnet", ["run", "--project", app], app, TimeSpan.FromMinutes(5));

        run.EnsureSuccess("dotnet run of the new project");
        Assert.Contains("reading 0: Oslo 10.5", run.Output, StringComparison.Ordinal);
        Assert.Contains("reading 2: Oslo 12.5", run.Output, StringComparison.Ordinal);

        // The TypeScript client came with the package's build files, transitively through the server runtime.
        var typeScript = await File.ReadAllTextAsync(Path.Combine(app, "client", "weather.ts"));
        Assert.Contains("export class WeatherClient {", typeScript, StringComparison.Ordinal);
        Assert.Contains("readings(city: string, count: number, init?:", typeScript, StringComparison.Ordinal);

        // A contracts library that references only Sse.Contracts writes its contracts' clients too, where it says.
        var library = Path.Combine(work, "Feeds.Contracts");
        Directory.CreateDirectory(library);
        File.Copy(Path.Combine(app, "nuget.config"), Path.Combine(library, "nuget.config"));
        await File.WriteAllTextAsync(Path.Combine(library, "Feeds.Contracts.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <SseTypeScriptOutput>../web/src/api</SseTypeScriptOutput>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Sse.Contracts" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(library, "IFeed.cs"), """
            using System.Text.Json;
            using System.Text.Json.Serialization;
            using Sse.Contracts;

            namespace Feeds;

            [SseStream("/feed", JsonContext = typeof(FeedJson))]
            public interface IFeed
            {
                [SseGet("/{topic}")]
                IAsyncEnumerable<Post> Posts(string topic, CancellationToken cancellationToken = default);
            }

            public sealed record Post(string Author, string Text);

            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
            [JsonSerializable(typeof(Post))]
            public sealed partial class FeedJson : JsonSerializerContext;
            """);
        (await ProcessRunner.RunAsync("dotnet", ["build", library], library, TimeSpan.FromMinutes(5))).EnsureSuccess("dotnet build of the contracts library");
        var libraryClient = await File.ReadAllTextAsync(Path.Combine(work, "web", "src", "api", "feed.ts"));
        Assert.Contains("export interface Post {\n    author: string;\n    text: string;\n}", libraryClient, StringComparison.Ordinal);
        Assert.Contains("posts(topic: string, init?:", libraryClient, StringComparison.Ordinal);
    }

    /// <summary>
    /// A new web app outside the repository, from the packed packages only: its page's generated TypeScript client,
    /// compiled against the npm tarball, imports the runtime the server package serves as a static web asset, and the
    /// published app streams to it in Chromium.
    /// </summary>
    [Fact]
    public async Task NewWebApp_PublishedFromThePackages_ServesAPageWhoseGeneratedClientReceivesEvents()
    {
        var app = Path.Combine(packed.Work, "NewWeb");
        Directory.CreateDirectory(Path.Combine(app, "wwwroot"));
        Directory.CreateDirectory(Path.Combine(app, "client"));
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), packed.NuGetConfig);
        await File.WriteAllTextAsync(Path.Combine(app, "NewWeb.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <SseTypeScriptOutput>client</SseTypeScriptOutput>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Sse.Runtime.AspNetCore" Version="{packed.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Runtime.CompilerServices;
            using System.Text.Json;
            using System.Text.Json.Serialization;
            using Sse.Contracts;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddSingleton<IWeather, Weather>();
            var app = builder.Build();
            app.UseDefaultFiles();   // "/" is index.html; routing comes after it, so the new path is what it matches
            app.UseRouting();
            app.MapStaticAssets();   // wwwroot, and the runtime at /_content/Sse.Runtime.AspNetCore/sse-client/
            app.MapWeather();
            app.Run();

            [SseStream("/weather", JsonContext = typeof(WeatherJson))]
            public interface IWeather
            {
                [SseGet("/{city}")]
                IAsyncEnumerable<Reading> Readings(string city, int count, CancellationToken cancellationToken = default);
            }

            public sealed record Reading(string City, double Celsius, [property: SseEventId] int Seq);

            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
            [JsonSerializable(typeof(Reading))]
            internal sealed partial class WeatherJson : JsonSerializerContext;

            internal sealed class Weather : IWeather
            {
                public async IAsyncEnumerable<Reading> Readings(string city, int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
                {
                    for (var i = 0; i < count; i++)
                    {
                        await Task.Delay(50, cancellationToken);
                        yield return new Reading(city, 10.5 + i, i);
                    }
                }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "wwwroot", "index.html"), """
            <!doctype html>
            <html>
            <head>
              <meta charset="utf-8">
              <title>Weather</title>
              <link rel="icon" href="data:,">
              <script type="importmap">{ "imports": { "@sse-contracts/client": "/_content/Sse.Runtime.AspNetCore/sse-client/index.js" } }</script>
              <script type="module" src="/js/page.js"></script>
            </head>
            <body><ul id="readings"></ul></body>
            </html>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "client", "page.ts"), """
            import { WeatherClient } from "./weather.js";

            const list = document.getElementById("readings")!;
            try {
              for await (const reading of new WeatherClient(location.origin).readings("Oslo", 3)) {
                const item = document.createElement("li");
                item.textContent = `${reading.seq}: ${reading.city} ${reading.celsius}`;
                list.append(item);
              }
              document.body.dataset.done = "true";
            } catch (error) {
              document.body.dataset.done = "failed: " + String(error);
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "tsconfig.json"), """
            {
              "compilerOptions": { "target": "ES2022", "module": "ES2022", "moduleResolution": "Bundler", "lib": ["ES2022", "DOM", "DOM.Iterable"], "strict": true, "outDir": "wwwroot/js", "rootDir": "client" },
              "include": ["client/*.ts"]
            }
            """);

        // The build writes client/weather.ts; the page compiles against the npm package (its types), then the app is published.
        (await ProcessRunner.RunAsync("dotnet", ["build", app], app, TimeSpan.FromMinutes(5))).EnsureSuccess("dotnet build of the new web app");
        Assert.True(File.Exists(Path.Combine(app, "client", "weather.ts")), "The build did not write the TypeScript client.");
        var npm = Tools.Require("npm", "apt-get install -y nodejs npm");
        (await ProcessRunner.RunAsync(npm, ["install", "--no-save", "--no-audit", "--no-fund", "--prefer-offline", packed.NpmTarball], app, TimeSpan.FromMinutes(5))).EnsureSuccess("npm install of the packed runtime");
        var tsc = RepoPaths.File("clients/typescript/node_modules/typescript/bin/tsc");
        (await ProcessRunner.RunAsync(Tools.Require("node", "apt-get install -y nodejs"), [tsc, "-p", Path.Combine(app, "tsconfig.json")], app, TimeSpan.FromMinutes(2))).EnsureSuccess("tsc of the page");
        var published = Path.Combine(app, "out");
        (await ProcessRunner.RunAsync("dotnet", ["publish", app, "-c", "Release", "-o", published], app, TimeSpan.FromMinutes(5))).EnsureSuccess("dotnet publish of the new web app");
        Assert.True(File.Exists(Path.Combine(published, "wwwroot", "_content", "Sse.Runtime.AspNetCore", "sse-client", "index.js")), "The runtime was not published with the app.");

        await using var server = await AppProcess.StartPublishedAsync(Path.Combine(published, "NewWeb.dll"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue(message.Text);
            }
        };
        await page.GotoAsync(server.Address.ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.done !== undefined", null, new PageWaitForFunctionOptions { Timeout = 60_000 });

        Assert.Equal("true", await page.EvaluateAsync<string>("() => document.body.dataset.done"));
        Assert.Equal(["0: Oslo 10.5", "1: Oslo 11.5", "2: Oslo 12.5"], await page.Locator("#readings li").AllTextContentsAsync());
        Assert.Empty(errors);
    }
}

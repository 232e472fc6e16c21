using System;
using System.IO;
using System.Threading.Tasks;
using Sse.Tests;
using Xunit;

namespace Sse.Distribution.Tests;

/// <summary>As a new user would: a brand-new project outside the solution, the packed packages from a local folder feed.</summary>
[Collection(DistributionCollection.Name)]
[Trait("Category", "Distribution")]
public sealed class PackageTests
{
    [Fact]
    public async Task NewProject_InstallsThePackages_BuildsRunsAndStreams()
    {
        var work = Directory.CreateTempSubdirectory("sse-packages-").FullName;
        var feed = Path.Combine(work, "feed");
        var app = Path.Combine(work, "NewApp");
        Directory.CreateDirectory(app);

        // A version of its own, so nothing comes from an earlier run's package cache.
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        // One pack of every package (Sse.Packages.slnf), built into an artifacts folder of its own.
        (await ProcessRunner.RunAsync("dotnet", ["pack", RepoPaths.File("Sse.Packages.slnf"), "-c", "Release", "-o", feed, $"-p:Version={version}", "--artifacts-path", Path.Combine(work, "artifacts")], RepoPaths.Root, TimeSpan.FromMinutes(5)))
            .EnsureSuccess("dotnet pack Sse.Packages.slnf");
        foreach (var project in new[] { "Sse.Contracts", "Sse.Runtime", "Sse.Runtime.AspNetCore", "Sse.Runtime.AspNetCore.PostgreSql", "Sse.Runtime.AspNetCore.OpenApi" })
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{project}.{version}.nupkg")), $"{project}.{version}.nupkg was not produced.");
            Assert.True(File.Exists(Path.Combine(feed, $"{project}.{version}.snupkg")), $"{project}.{version}.snupkg was not produced.");
        }

        using (var contracts = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"Sse.Contracts.{version}.nupkg")))
        {
            Assert.Contains(contracts.Entries, static e => e.FullName == "analyzers/dotnet/cs/Sse.Generators.dll");
        }

        Assert.DoesNotContain(Directory.GetFiles(feed), static f => Path.GetFileName(f).StartsWith("Sse.Generators.", StringComparison.Ordinal));

        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);

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
}

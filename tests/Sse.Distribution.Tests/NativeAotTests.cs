using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AotSample;
using Sse.Contracts;
using Sse.Tests;
using Xunit;

[assembly: SseClient(typeof(IAotFeed))]

namespace Sse.Distribution.Tests;

/// <summary>
/// Publishes the sample server and client with Native AOT once for the class: both for net10.0, the target this
/// repository proves, and the server for net8.0 too, the oldest framework the packages support. Each publish builds
/// into an artifacts folder of its own, so nothing races with the repository's own obj/bin folders.
/// </summary>
public sealed class NativeAotFixture : IAsyncLifetime
{
    public const string Install = "apt-get update && apt-get install -y clang zlib1g-dev";

    public string? ServerBinary { get; private set; }

    public string? ClientBinary { get; private set; }

    public string? Net8ServerBinary { get; private set; }

    public string PublishLog { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (Tools.Find("clang") is null && !Tools.IsCi)
        {
            return; // The facts skip with install instructions.
        }

        var output = Directory.CreateTempSubdirectory("sse-aot-").FullName;
        ServerBinary = await PublishAsync("Aot.Server", "net10.0", output);
        ClientBinary = await PublishAsync("Aot.Client", "net10.0", output);
        Net8ServerBinary = await PublishAsync("Aot.Server", "net8.0", output);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> PublishAsync(string project, string framework, string root)
    {
        var output = Path.Combine(root, project + "-" + framework);
        var started = Stopwatch.StartNew();

        // Warnings are errors in this repository, so a trim or AOT warning (IL2xxx, IL3xxx) fails the publish.
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", RepoPaths.File($"samples/Aot/{project}/{project}.csproj"), "-f", framework, "-r", "linux-x64", "-c", "Release", "-o", output,
             "--artifacts-path", Path.Combine(root, "artifacts"), "-p:TreatWarningsAsErrors=true"],
            RepoPaths.Root,
            TimeSpan.FromMinutes(10));
        PublishLog += result.Output;
        result.EnsureSuccess($"Native AOT publish of {project} ({framework})");
        Assert.DoesNotContain(result.Output.Split('\n'), static line => line.Contains("warning IL", StringComparison.Ordinal) || line.Contains(": warning", StringComparison.Ordinal));
        var binary = Path.Combine(output, project);
        Assert.True(File.Exists(binary), $"{binary} was not produced.");
        Console.WriteLine($"Native AOT: {project} ({framework}) published in {started.Elapsed.TotalSeconds:0} s, {new FileInfo(binary).Length / (1024.0 * 1024):0.0} MiB.");
        return binary;
    }
}

[Collection(DistributionCollection.Name)]
[Trait("Category", "Distribution")]
public sealed class NativeAotTests(NativeAotFixture aot) : IClassFixture<NativeAotFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [RequiresToolFact("clang", NativeAotFixture.Install)]
    public Task NativeServer_StreamsToTheGeneratedClient() => StreamFromAsync(aot.ServerBinary);

    [RequiresToolFact("clang", NativeAotFixture.Install)]
    public Task NativeServerOnNet8_StreamsToTheGeneratedClient() => StreamFromAsync(aot.Net8ServerBinary);

    private static async Task StreamFromAsync(string? serverBinary)
    {
        Tools.Require("clang", NativeAotFixture.Install);
        await using var server = await RunningServer.StartAsync(serverBinary!, []);
        using var http = new HttpClient { BaseAddress = server.Address };
        var feed = new AotFeedClient(http);
        using var cts = new CancellationTokenSource(Timeout);

        var numbers = new List<Number>();
        await foreach (var number in feed.Numbers(1000, cts.Token))
        {
            numbers.Add(number);
        }

        Assert.Equal(Enumerable.Range(0, 1000).Select(static i => new Number(i, "n" + i)), numbers);

        var shapes = new List<Shape>();
        await foreach (var shape in feed.Shapes(4, lastEventId: 19, cts.Token))
        {
            shapes.Add(shape);
        }

        Assert.Equal([new Circle(20, 10), new Square(21, 42), new Circle(22, 11), new Square(23, 46)], shapes);

        var words = new List<System.Net.ServerSentEvents.SseItem<Word>>();
        await foreach (var word in feed.Words(new Sentence("from a native binary"), upper: true, cts.Token))
        {
            words.Add(word);
        }

        Assert.Equal(["FROM", "A", "NATIVE", "BINARY"], words.Select(static w => w.Data.Text));
        Assert.Equal(["0", "1", "2", "3"], words.Select(static w => w.EventId));
        Assert.All(words, static w => Assert.Equal("word", w.EventType));
    }

    [RequiresToolFact("clang", NativeAotFixture.Install)]
    public async Task NativeClient_ReadsFromAJitServer()
    {
        Tools.Require("clang", NativeAotFixture.Install);

        // The same server, run on the JIT: the net10.0 build, with `dotnet`, built into a folder of its own.
        var artifacts = Directory.CreateTempSubdirectory("sse-jit-").FullName;
        var build = await ProcessRunner.RunAsync("dotnet", ["build", RepoPaths.File("samples/Aot/Aot.Server/Aot.Server.csproj"), "-f", "net10.0", "-c", "Release", "--artifacts-path", artifacts], RepoPaths.Root, TimeSpan.FromMinutes(5));
        build.EnsureSuccess("Building the JIT server");
        var dll = Directory.GetFiles(artifacts, "Aot.Server.dll", SearchOption.AllDirectories).Single(static f => f.Contains("net10.0", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal));
        await using var server = await RunningServer.StartAsync("dotnet", [dll]);

        var client = await ProcessRunner.RunAsync(aot.ClientBinary!, [server.Address.ToString()], RepoPaths.Root, Timeout);

        Assert.True(client.ExitCode == 0, client.Output);
        Assert.Contains("numbers: 1000", client.Output, StringComparison.Ordinal);
        Assert.Contains("shape: Square { Seq = 11, Side = 22 }", client.Output, StringComparison.Ordinal);
        Assert.Contains("word: STREAMS (id 2)", client.Output, StringComparison.Ordinal);
        Assert.EndsWith("ok", client.Output.TrimEnd(), StringComparison.Ordinal);
    }
}

/// <summary>A server process on 127.0.0.1 with a free port; its address is read from its first output line.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly Process _process;

    private RunningServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<RunningServer> StartAsync(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"{fileName} exited before listening: {await process.StandardError.ReadToEndAsync()}");
            if (line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
                return new RunningServer(process, new Uri(line["Listening on ".Length..]));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

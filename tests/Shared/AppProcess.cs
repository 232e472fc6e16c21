using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Sse.Tests;

/// <summary>
/// An app of the repository started the way its README line says, <c>dotnet run --project …</c> (without the build,
/// which the test build already did, in the tests' configuration), with its output read line by line and its standard
/// input open: the samples, and the nodes of the several-servers tests.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly string Configuration =
        typeof(AppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly string _name;
    private int _openStreams = 2;

    private AppProcess(string project, IEnumerable<string> arguments, bool direct = false, string? assembly = null)
    {
        _name = project;
        var start = new ProcessStartInfo("dotnet")
        {
            // A published app's content root (its wwwroot) is where it runs.
            WorkingDirectory = assembly is null ? RepoPaths.Root : System.IO.Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // `dotnet run` starts the app as a child of its own; a test that signals the app (SIGTERM, SIGSTOP) runs it directly.
        foreach (var argument in assembly is not null ? [assembly] : direct ? [BuiltAssembly(project)] : (string[])["run", "--no-build", "-c", Configuration, "--project", project, "--"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ProcessRunner.IsolateChildDotnet(start);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The server's address, once it listens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Everything the process wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a sample server on a free loopback port and waits until it listens.</summary>
    public static async Task<AppProcess> StartServerAsync(string project, params string[] arguments)
    {
        var sample = new AppProcess(project, ["--urls", "http://127.0.0.1:0", .. arguments]);
        try
        {
            var listening = await sample.WaitForLineAsync(static line => line.Contains("Now listening on: http://", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            sample.Address = new Uri(ListeningOn().Match(listening).Groups[1].Value);
            return sample;
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a server of the repository from its build output (<c>dotnet bin/…/App.dll</c>, as a deployment runs it), so
    /// that the process the test signals is the app itself, and waits until it listens.
    /// </summary>
    public static async Task<AppProcess> StartBuiltServerAsync(string project, params string[] arguments)
    {
        var app = new AppProcess(project, ["--urls", "http://127.0.0.1:0", .. arguments], direct: true);
        try
        {
            var listening = await app.WaitForLineAsync(static line => line.Contains("Now listening on: http://", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            app.Address = new Uri(ListeningOn().Match(listening).Groups[1].Value);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a published app (<c>dotnet out/App.dll</c>, in its folder, as a deployment runs it) and waits until it listens.</summary>
    public static async Task<AppProcess> StartPublishedAsync(string assembly, params string[] arguments)
    {
        var app = new AppProcess(System.IO.Path.GetFileName(assembly), ["--urls", "http://127.0.0.1:0", .. arguments], assembly: assembly);
        try
        {
            var listening = await app.WaitForLineAsync(static line => line.Contains("Now listening on: http://", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            app.Address = new Uri(ListeningOn().Match(listening).Groups[1].Value);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets the process id (of the app itself when started with <see cref="StartBuiltServerAsync"/>).</summary>
    public int Pid => _process.Id;

    /// <summary>Pauses the process (SIGSTOP): it runs no code, its sockets stay open, as a stalled or swapped-out server.</summary>
    public void Pause() => Signal(SignalStop);

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Continue() => Signal(SignalContinue);

    /// <summary>Asks the process to stop (SIGTERM, as a deployment or <c>docker stop</c> does) and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Signal(SignalTerminate);
        return await WaitForExitAsync(timeout);
    }

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"Signal {signal} to '{_name}' (pid {_process.Id}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }
    }

    private const int SignalTerminate = 15, SignalContinue = 18, SignalStop = 19;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static string BuiltAssembly(string project)
    {
        var name = System.IO.Path.GetFileName(project.TrimEnd('/'));
        var bin = System.IO.Path.Combine(RepoPaths.Root, project, "bin", Configuration);
        return System.IO.Directory.GetFiles(bin, name + ".dll", System.IO.SearchOption.AllDirectories).OrderByDescending(static f => f, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException($"'{project}' is not built in {bin}: build the solution first.");
    }

    /// <summary>Starts a console sample.</summary>
    public static AppProcess Start(string project, params string[] arguments) => new(project, arguments);

    /// <summary>Writes a line to the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes standard input (end of file), as Ctrl+D does.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for the next line (from now on) that matches, and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"'{_name}' did not print the expected line within {timeout} (exited: {_process.HasExited}). Output:\n{Output}");
    }

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Kills the process and its children at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{_name}' did not exit within {timeout}. Output:\n{Output}");
        }

        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
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

    private void Received(string? line)
    {
        if (line is null)
        {
            // Standard output and standard error both ended.
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _lines.Writer.TryWrite(line);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}

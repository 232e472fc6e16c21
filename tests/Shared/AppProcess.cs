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

    private AppProcess(string project, IEnumerable<string> arguments)
    {
        _name = project;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in (string[])["run", "--no-build", "-c", Configuration, "--project", project, "--"])
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

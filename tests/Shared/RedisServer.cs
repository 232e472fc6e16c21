using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Tests;

/// <summary>
/// A throwaway Redis from Debian's <c>redis-server</c>: a temporary folder, a free port on 127.0.0.1, with AOF
/// (<c>appendfsync always</c> unless told otherwise, so a restart keeps every acknowledged write) or with no persistence. It can be
/// stopped (SIGTERM, a clean shutdown) or killed (SIGKILL, a crash) and started again on the same port.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    public const string Install = "apt-get update && apt-get install -y redis-server";

    private readonly string _executable;
    private readonly string _directory;
    private readonly bool _appendOnly;
    private readonly string _appendFsync;
    private Process? _process;

    private RedisServer(string executable, string directory, int port, bool appendOnly, string appendFsync)
    {
        _executable = executable;
        _directory = directory;
        Port = port;
        _appendOnly = appendOnly;
        _appendFsync = appendFsync;
    }

    /// <summary>Gets the port it listens on.</summary>
    public int Port { get; }

    /// <summary>Gets whether it keeps its data across restarts (AOF).</summary>
    public bool AppendOnly => _appendOnly;

    /// <summary>Gets the StackExchange.Redis configuration string for it.</summary>
    public string Configuration => ConfigurationFor(Port);

    /// <summary>Gets the server's process id, or 0 while it is stopped.</summary>
    public int Pid => _process is { HasExited: false } process ? process.Id : 0;

    /// <summary>The configuration string through another port (a proxy in front of the server).</summary>
    public static string ConfigurationFor(int port) => $"127.0.0.1:{port},abortConnect=false,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000";

    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(static directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <param name="appendOnly">Whether it keeps an AOF.</param>
    /// <param name="appendFsync">How often the AOF reaches the disk: <c>always</c> (tests) or <c>everysec</c> (Redis's default, as most run it).</param>
    public static async Task<RedisServer> StartAsync(bool appendOnly, string appendFsync = "always")
    {
        var executable = Find() ?? throw new InvalidOperationException($"redis-server is required (CI=true) but not installed; install it with: {Install}");
        var directory = Path.Combine(Path.GetTempPath(), "sse-redis-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var server = new RedisServer(executable, directory, FreePort(), appendOnly, appendFsync);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the (stopped) server on the same port and folder, and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
            "--save", "", "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", _appendFsync, "--daemonize", "no",
            "--protected-mode", "no", "--maxmemory-policy", "noeviction", "--logfile", Path.Combine(_directory, "redis.log")])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await PingAsync())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {ReadLog()}");
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Stops the server cleanly (SIGTERM: it writes what it must and exits).</summary>
    public Task StopAsync() => SignalAndWaitAsync("TERM");

    /// <summary>Kills the server (SIGKILL: a crash).</summary>
    public Task KillAsync() => SignalAndWaitAsync("KILL");

    /// <summary>Runs a command with <c>redis-cli</c>-like plain RESP and returns the raw reply (for CLIENT KILL, FLUSHALL, CONFIG).</summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        var reply = new System.Collections.Generic.List<byte>();
        var buffer = new byte[16384];
        do
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0)
            {
                break;
            }

            reply.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        while (!IsComplete(reply));

        return Encoding.UTF8.GetString([.. reply]);
    }

    public async ValueTask DisposeAsync()
    {
        await SignalAndWaitAsync("KILL");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task SignalAndWaitAsync(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await ProcessRunner.RunAsync("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], _directory, TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        process.Dispose();
        _process = null;
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await CommandAsync("PING")).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private string ReadLog()
    {
        var log = Path.Combine(_directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    /// <summary>Whether a reply is whole: a bulk string (<c>$n</c>) once its n bytes came, anything else at its first line's end.</summary>
    private static bool IsComplete(System.Collections.Generic.List<byte> reply)
    {
        var text = Encoding.UTF8.GetString([.. reply]);
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (lineEnd < 0)
        {
            return false;
        }

        if (text[0] != '$' || !int.TryParse(text.AsSpan(1, lineEnd - 1), out var length) || length < 0)
        {
            return true;
        }

        return reply.Count >= lineEnd + 2 + length + 2;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

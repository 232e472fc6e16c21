using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Sse.Tests;

/// <summary>
/// A throwaway nginx from Debian's <c>nginx</c> as a reverse proxy in front of one or more servers: its own configuration
/// in a temporary folder, a free port on 127.0.0.1, no daemon, stopped by its PID. The configuration is what the
/// Deploying guide recommends (HTTP/1.1 upstream keep-alive, a read timeout) and nothing more, so what passes here passes
/// behind a stock nginx.
/// </summary>
internal sealed class NginxServer : IAsyncDisposable
{
    public const string Install = "apt-get update && apt-get install -y nginx";

    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;

    private NginxServer(string executable, string directory, int port)
    {
        _executable = executable;
        _directory = directory;
        Port = port;
    }

    /// <summary>Gets the port it listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the address clients use.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Gets nginx's version line (<c>nginx version: nginx/1.22.1</c>).</summary>
    public string Version { get; private set; } = string.Empty;

    /// <summary>Gets nginx's error log so far (what it said about upstreams that failed).</summary>
    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : string.Empty;

    public static string? Find() =>
        new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.Concat(
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(static directory => Path.Combine(directory, "nginx")))
            .FirstOrDefault(File.Exists);

    /// <param name="upstreams">The servers it balances over (round robin; a refused one is skipped for the next).</param>
    /// <param name="readTimeout">nginx's <c>proxy_read_timeout</c>: how long a response may send nothing before nginx closes it (its default is 60 s).</param>
    /// <param name="extra">More directives for the <c>location</c> (<c>gzip on;</c> to show what compression at the proxy does).</param>
    public static async Task<NginxServer> StartAsync(IReadOnlyList<Uri> upstreams, TimeSpan? readTimeout = null, string? extra = null)
    {
        var executable = Find() ?? throw new InvalidOperationException($"nginx is required (CI=true) but not installed; install it with: {Install}");
        var directory = Path.Combine(Path.GetTempPath(), "sse-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var server = new NginxServer(executable, directory, FreePort());
        var timeout = ((int)Math.Ceiling((readTimeout ?? TimeSpan.FromSeconds(60)).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var servers = string.Concat(upstreams.Select(static u => $"    server 127.0.0.1:{u.Port.ToString(CultureInfo.InvariantCulture)} max_fails=1 fail_timeout=2s;\n"));
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            # A worker stopping gracefully (nginx -s quit, a reload) waits at most this long for open streams.
            worker_shutdown_timeout 2s;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              upstream app {
            {{servers}}    keepalive 16;
              }
              server {
                listen 127.0.0.1:{{server.Port.ToString(CultureInfo.InvariantCulture)}};
                location / {
                  proxy_pass http://app;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_read_timeout {{timeout}}s;
                  proxy_next_upstream error timeout;
                  {{extra}}
                }
              }
            }
            """);
        var version = await ProcessRunner.RunAsync(executable, ["-v"], directory, TimeSpan.FromSeconds(10));
        server.Version = version.Output.Trim();
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the (stopped) nginx on the same port and configuration, and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(_executable) { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-p", _directory, "-c", Path.Combine(_directory, "nginx.conf")])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        _process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await AcceptsAsync())
        {
            if (_process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {output}\n{ErrorLog}");
                }
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Stops nginx at once (SIGTERM, its fast shutdown): every connection through it drops.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], _directory, TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

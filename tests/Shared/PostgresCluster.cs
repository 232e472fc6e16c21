using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Sse.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's packages: <c>initdb</c> into a temporary folder, a free port on
/// 127.0.0.1, run as the <c>postgres</c> user when the tests run as root (PostgreSQL refuses root), stopped and deleted
/// at the end. It can be stopped and started again mid-test, on the same port, to play a database restart.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    public const string Install = "apt-get update && apt-get install -y postgresql";

    private readonly string _bin;
    private readonly string _directory;
    private readonly string _data;
    private readonly int _port;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string bin, string directory, int port, bool asPostgresUser)
    {
        _bin = bin;
        _directory = directory;
        _data = Path.Combine(directory, "data");
        _port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>Gets the port the server listens on (127.0.0.1).</summary>
    public int Port => _port;

    /// <summary>Gets the connection string of the cluster's <c>postgres</c> database, as user <c>sse</c> (trusted).</summary>
    public string ConnectionString => ConnectionStringFor(_port);

    /// <summary>The connection string through another port (a proxy in front of the server).</summary>
    public static string ConnectionStringFor(int port) => $"Host=127.0.0.1;Port={port};Username=sse;Database=postgres;Timeout=5;Command Timeout=30";

    /// <summary>The <c>bin</c> folder of the newest installed PostgreSQL, or <see langword="null"/>.</summary>
    public static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(static d => Path.Combine(d, "bin"))
                .Where(static d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(static d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBin() ?? throw new InvalidOperationException($"PostgreSQL is required (CI=true) but not installed; install it with: {Install}");
        var directory = Path.Combine(Path.GetTempPath(), "sse-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var asPostgresUser = Environment.UserName == "root";
        var cluster = new PostgresCluster(bin, directory, FreePort(), asPostgresUser);
        if (asPostgresUser)
        {
            (await ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", directory], directory, TimeSpan.FromSeconds(30))).EnsureSuccess("chown");
        }

        (await cluster.RunAsync("initdb", ["-D", cluster._data, "-A", "trust", "-U", "sse", "-E", "UTF8", "--no-sync", "--no-instructions"])).EnsureSuccess("initdb");
        await cluster.StartAgainAsync();
        return cluster;
    }

    /// <summary>
    /// Whether commits wait for the disk, as a production server's do (SSE_PG_DURABLE=1, for benchmarks); otherwise the
    /// throwaway cluster skips fsync, which tests do not need.
    /// </summary>
    public static bool Durable => Environment.GetEnvironmentVariable("SSE_PG_DURABLE") == "1";

    /// <summary>Starts the (stopped) server, on the same port.</summary>
    public async Task StartAgainAsync() =>
        (await RunAsync("pg_ctl", ["-D", _data, "-l", Path.Combine(_directory, "log"), "-w", "-t", "60", "-o",
            $"-p {_port} -c listen_addresses=127.0.0.1 -k {_directory} " + (Durable ? "-c fsync=on -c synchronous_commit=on" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off") + " -c max_connections=300",
            "start"])).EnsureSuccess("pg_ctl start");

    /// <summary>Stops the server (fast shutdown: connections are cut, as in a restart).</summary>
    public async Task StopAsync() =>
        (await RunAsync("pg_ctl", ["-D", _data, "-w", "-t", "60", "-m", "fast", "stop"])).EnsureSuccess("pg_ctl stop");

    public async ValueTask DisposeAsync()
    {
        await RunAsync("pg_ctl", ["-D", _data, "-w", "-t", "30", "-m", "immediate", "stop"]);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<ProcessRunner.Result> RunAsync(string tool, IEnumerable<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        return _asPostgresUser
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], _directory, TimeSpan.FromSeconds(120))
            : ProcessRunner.RunAsync(path, arguments, _directory, TimeSpan.FromSeconds(120));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

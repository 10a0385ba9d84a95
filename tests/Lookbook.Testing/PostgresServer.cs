using System.Diagnostics;
using Npgsql;

namespace Lookbook.Testing;

/// <summary>
/// A real PostgreSQL server for tests: a cluster made by <c>initdb</c> in a temporary folder, listening on a free loopback
/// port (and a socket in that folder), run as the <c>postgres</c> user when the tests run as root (PostgreSQL refuses to
/// run as root). Debian's <c>postgresql</c> package provides the programs (<c>scripts/setup.sh</c> installs it). Each
/// <see cref="CreateDatabase"/> gives a test a database of its own. Disposing stops the server and deletes the folder.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly string _bin;
    private bool _started;

    private PostgresServer(string bin)
    {
        _bin = bin;
        Port = Loopback.FreePort();
    }

    public int Port { get; }

    private string Data => _folder.File("data");

    /// <summary>Starts a fresh server; throws with what to install when PostgreSQL's programs are not there.</summary>
    public static PostgresServer Start()
    {
        var bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL's programs (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin: run scripts/setup.sh (it installs Debian's postgresql).");
        var server = new PostgresServer(bin);
        try
        {
            server.Run();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The connection string of <paramref name="database"/> on this server, as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true, Timeout = 30 }.ToString();

    /// <summary>A new, empty database; returns its connection string.</summary>
    public string CreateDatabase(string? name = null)
    {
        name ??= "t" + Guid.NewGuid().ToString("N");
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    public void Dispose()
    {
        if (_started)
        {
            _started = false; // a second Dispose does nothing
            RunTool("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }

        NpgsqlConnection.ClearAllPools();
        _folder.Dispose();
    }

    private void Run()
    {
        if (Environment.UserName == "root")
        {
            Chown(_folder.Path);
        }

        RunTool("initdb", "-D", Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C");
        // No durability needed for tests; a socket in the folder so no system folder is touched.
        RunTool("pg_ctl", "-D", Data, "-w", "-t", "60", "-l", _folder.File("server.log"), "-o",
            $"-p {Port} -k {_folder.Path} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start");
        _started = true;
    }

    private void RunTool(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        var start = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", path, .. args])
            : new ProcessStartInfo(path, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = _folder.Path;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var log = File.Exists(_folder.File("server.log")) ? File.ReadAllText(_folder.File("server.log")) : "";
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {output.Result}{error}{log}");
        }
    }

    private static void Chown(string path)
    {
        using var chown = Process.Start("chown", ["-R", "postgres:postgres", path])!;
        chown.WaitForExit();
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;

}

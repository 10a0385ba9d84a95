using System.Diagnostics;
using System.Globalization;
using Dapper;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Lookbook.Cli.Tests;

/// <summary>
/// A distributed import with real processes: PostgreSQL and Redis on loopback ports, two <c>lookbook silo</c> processes
/// doing the batches and <c>lookbook import ... --cluster</c> queuing them and waiting. kill -9 of a silo mid-import:
/// the other finishes, and the run's counts and the catalog are exact.
/// </summary>
public sealed class ClusterImportProcessTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Products = 3000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _temp = new();
    private readonly List<LookbookProcess> _processes = [];
    private PostgresServer _postgres = null!;
    private RedisServer _redis = null!;
    private string _connection = "";

    public Task InitializeAsync()
    {
        _postgres = PostgresServer.Start();
        _redis = RedisServer.Start();
        _connection = _postgres.CreateDatabase();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    // xUnit calls this after DisposeAsync.
    public void Dispose()
    {
        _redis?.Dispose();
        _postgres?.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task An_import_done_by_two_silos_completes_with_exact_counts_when_one_is_killed_midway()
    {
        var silos = new[] { await StartSiloAsync(0), await StartSiloAsync(1) };
        var import = Start(Folder("coordinator"), "import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", Products.ToString(CultureInfo.InvariantCulture), "--cluster");

        // Let both silos work, then kill -9 one of them while it holds a batch (a silo is in a batch nearly all the time).
        var waited = Stopwatch.StartNew();
        Dictionary<string, int> byWorker;
        while ((byWorker = DoneByWorker()).Count < 2 || byWorker.Values.Sum() < 8)
        {
            Assert.False(import.HasExited && import.ExitCode != 0, $"the import failed\n{import.Output}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(240), $"the silos did not both take batches: {string.Join(", ", byWorker)}\n{silos[0].Output}\n{silos[1].Output}");
            await Task.Delay(50);
        }

        var held = HeldBatches();
        silos[0].KillHard();
        output.WriteLine($"killed silo 0 after {string.Join(", ", byWorker.Select(w => $"{w.Key}: {w.Value} batches"))}; batches held then: {held}");

        var (exitCode, text) = await WaitAsync(import, TimeSpan.FromSeconds(300));
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"the import ended with {exitCode}\n{text}");
        Assert.Contains($"{Products} added, 0 updated, 0 unchanged, 0 skipped", text, StringComparison.Ordinal);

        using var catalog = CatalogDatabase.OpenPostgres(_connection, _temp.File("check/catalog"));
        Assert.Equal(Products, catalog.CountVectors());
        Assert.Equal(Products, catalog.GetStats().Products);
        var finalCounts = DoneByWorker();
        output.WriteLine("batches by worker: " + string.Join(", ", finalCounts.Select(w => $"{w.Key}: {w.Value}")));
        Assert.Equal((Products + 63) / 64, finalCounts.Values.Sum());
    }

    private Dictionary<string, int> DoneByWorker()
    {
        using var connection = new NpgsqlConnection(_connection);
        try
        {
            return connection.Query<(string Worker, long Batches)>(
                "SELECT worker, COUNT(*) FROM import_queue WHERE status = 'done' AND batch_no > 0 GROUP BY worker").ToDictionary(r => r.Worker, r => (int)r.Batches);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return []; // the coordinator has not created the catalog yet
        }
    }

    private int HeldBatches()
    {
        using var connection = new NpgsqlConnection(_connection);
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'idle in transaction' OR (state = 'active' AND query LIKE '%import_queue%' AND pid <> pg_backend_pid())");
    }

    private async Task<LookbookProcess> StartSiloAsync(int number)
    {
        var silo = Start(Folder($"silo{number}"), "silo", "--silo-port", Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", Loopback.FreePort().ToString(CultureInfo.InvariantCulture));
        var waited = Stopwatch.StartNew();
        while (!silo.Output.Contains("Silo ready", StringComparison.Ordinal))
        {
            Assert.False(silo.HasExited, $"silo {number} ended before it was ready\n{silo.Output}");
            Assert.True(waited.Elapsed < StartTimeout, $"silo {number} was not ready within {StartTimeout}\n{silo.Output}");
            await Task.Delay(100);
        }

        return silo;
    }

    private LookbookProcess Start(string folder, params string[] args)
    {
        var process = LookbookProcess.Start(folder, args);
        _processes.Add(process);
        return process;
    }

    private static async Task<(int ExitCode, string Output)> WaitAsync(LookbookProcess process, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!process.HasExited)
        {
            Assert.True(waited.Elapsed < timeout, $"the import did not end within {timeout}\n{process.Output}");
            await Task.Delay(200);
        }

        return (process.ExitCode, process.Output);
    }

    /// <summary>A working folder whose lookbook.json names the shared catalog and the cluster.</summary>
    private string Folder(string name)
    {
        var folder = Directory.CreateDirectory(_temp.File(name)).FullName;
        File.WriteAllText(Path.Combine(folder, "lookbook.json"), System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Lookbook"] = new Dictionary<string, object>
            {
                ["Storage"] = new Dictionary<string, string> { ["Provider"] = "Postgres", ["ConnectionString"] = _connection, ["DatabasePath"] = "node/catalog" },
                ["Cluster"] = new Dictionary<string, string>
                {
                    ["Redis"] = _redis.Configuration, ["ClusterId"] = "import-test", ["ProbeTimeout"] = "00:00:01", ["ImportPollInterval"] = "00:00:00.200",
                },
            },
        }));
        return folder;
    }
}

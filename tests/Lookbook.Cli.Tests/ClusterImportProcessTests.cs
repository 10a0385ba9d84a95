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
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterImportProcessTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Products = 3000;
    private readonly LocalCluster _cluster = new(new Dictionary<string, string>
    {
        ["ClusterId"] = "import-test", ["ProbeTimeout"] = "00:00:01", ["ImportPollInterval"] = "00:00:00.200",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // xUnit calls this after DisposeAsync.
    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task An_import_done_by_two_silos_completes_with_exact_counts_when_one_is_killed_midway()
    {
        var silos = new[] { await _cluster.StartSiloAsync("silo0"), await _cluster.StartSiloAsync("silo1") };
        var import = _cluster.Start("coordinator", "import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", Products.ToString(CultureInfo.InvariantCulture), "--cluster");

        // Let the silos work, then kill -9 one of them while the import runs (a silo is in a batch nearly all the time).
        var waited = Stopwatch.StartNew();
        Dictionary<string, int> byWorker;
        while ((byWorker = DoneByWorker()).Values.Sum() < 8)
        {
            Assert.False(import.HasExited, $"the import ended before the kill\n{import.Output}");
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(240), $"the silos did not take batches: {string.Join(", ", byWorker)}\n{silos[0].Output}\n{silos[1].Output}");
            await Task.Delay(50);
        }

        Assert.False(import.HasExited, $"the import ended before the kill\n{import.Output}");
        var held = HeldBatches();
        silos[0].KillHard();
        output.WriteLine($"killed silo 0 after {string.Join(", ", byWorker.Select(w => $"{w.Key}: {w.Value} batches"))}; batches held then: {held}");

        var (exitCode, text) = await WaitAsync(import, TimeSpan.FromSeconds(300));
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"the import ended with {exitCode}\n{text}");
        Assert.Contains($"{Products} added, 0 updated, 0 unchanged, 0 skipped", text, StringComparison.Ordinal);

        using var catalog = CatalogDatabase.OpenPostgres(_cluster.Connection, _cluster.Temp.File("check/catalog"));
        Assert.Equal(Products, catalog.CountVectors());
        Assert.Equal(Products, catalog.GetStats().Products);
        var finalCounts = DoneByWorker();
        output.WriteLine("batches by worker: " + string.Join(", ", finalCounts.Select(w => $"{w.Key}: {w.Value}")));
        Assert.Equal((Products + 63) / 64, finalCounts.Values.Sum());
    }

    private Dictionary<string, int> DoneByWorker()
    {
        using var connection = new NpgsqlConnection(_cluster.Connection);
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
        using var connection = new NpgsqlConnection(_cluster.Connection);
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'idle in transaction' OR (state = 'active' AND query LIKE '%import_queue%' AND pid <> pg_backend_pid())");
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
}

using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Search;
using Microsoft.Extensions.Options;

namespace Lookbook.Bench;

/// <summary>
/// The searchable catalog under change, over a copy of --db: how long a build, a reload and a catch-up take, and what
/// searches see meanwhile (latency while idle, during a full rebuild, during an in-place catch-up of an import).
/// </summary>
internal static class CatalogSwapBench
{
    private const int IdleSearches = 2_000;
    private const int ChangedProducts = 1_000;
    private const int DeletedProducts = 100;

    public static void Run(BenchReport report, string databasePath, CancellationToken cancellationToken)
    {
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"No catalog at {databasePath}. Build one first, e.g. lookbook import fashion-mnist /usr/share/datasets/fashion-mnist --db {databasePath}");
        }

        var folder = Directory.CreateTempSubdirectory("lookbook-bench-catalog").FullName;
        try
        {
            var database = CatalogDatabase.Open(databasePath).CopyTo(Path.Combine(folder, "catalog.db"));
            var queries = database.ReadVectors(cancellationToken).Take(200).Select(v => v.Vector).ToList();
            var group = $"catalog ({database.CountVectors():N0} products)";

            var clock = Stopwatch.StartNew();
            using (var first = new SearchableCatalogProvider(database))
            {
                first.Acquire().Dispose();
                report.Add(group, "first build (no saved index)", clock.Elapsed.TotalMilliseconds, "ms", first.LastUpdate is null ? "exact" : "HNSW");
            }

            using var catalogs = new SearchableCatalogProvider(database, Options.Create(new IndexOptions()));
            clock.Restart();
            catalogs.Acquire().Dispose();
            report.Add(group, "start with the saved index", clock.Elapsed.TotalMilliseconds, "ms");

            var idle = Enumerable.Range(0, IdleSearches).Select(i => TimeSearch(catalogs, queries[i % queries.Count])).ToList();
            AddLatencies(report, group, "search, idle", idle);

            var (rebuild, duringRebuild) = WhileSearching(catalogs, queries, () => catalogs.Refresh(rebuild: true, cancellationToken));
            report.Add(group, "reload (a new catalog: products re-read, saved graph re-opened)", rebuild.TotalMilliseconds, "ms");
            AddLatencies(report, group, "search during the reload", duringRebuild);

            // An import's worth of change: re-embedded products (new vectors, same ids) and deleted ones.
            var changed = database.ReadVectors(cancellationToken).Skip(DeletedProducts).Take(ChangedProducts).Select(v => (v.ProductId, v.Vector)).ToList();
            var deleted = database.ReadVectors(cancellationToken).Take(DeletedProducts).Select(v => v.ProductId).ToList();
            database.SaveVectors(changed);
            database.DeleteProducts(deleted, cancellationToken);
            var (catchUp, duringCatchUp) = WhileSearching(catalogs, queries, () => catalogs.Refresh(cancellationToken: cancellationToken));
            report.Add(group, $"catch-up ({ChangedProducts:N0} changed, {DeletedProducts} deleted)", catchUp.TotalMilliseconds, "ms");
            AddLatencies(report, group, "search during the catch-up", duringCatchUp);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double TimeSearch(SearchableCatalogProvider catalogs, float[] query)
    {
        var started = Stopwatch.GetTimestamp();
        using (var lease = catalogs.Acquire())
        {
            lease.Catalog.Search(query, new SearchRequest(10));
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Runs <paramref name="change"/> while one thread searches without pause; the change's duration and the latencies seen.</summary>
    private static (TimeSpan Change, List<double> Latencies) WhileSearching(SearchableCatalogProvider catalogs, List<float[]> queries, Action change)
    {
        var latencies = new List<double>();
        using var done = new ManualResetEventSlim();
        var searcher = Task.Factory.StartNew(() =>
        {
            for (var i = 0; !done.IsSet; i++)
            {
                latencies.Add(TimeSearch(catalogs, queries[i % queries.Count]));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var clock = Stopwatch.StartNew();
        change();
        var elapsed = clock.Elapsed;
        done.Set();
        searcher.Wait();
        return (elapsed, latencies);
    }

    private static void AddLatencies(BenchReport report, string group, string name, List<double> latencies)
    {
        report.Add(group, name + ", p50", Percentiles.Of(latencies, 50), "ms", $"{latencies.Count:N0} searches");
        report.Add(group, name + ", p99", Percentiles.Of(latencies, 99), "ms");
        report.Add(group, name + ", max", latencies.Count == 0 ? double.NaN : latencies.Max(), "ms");
    }
}

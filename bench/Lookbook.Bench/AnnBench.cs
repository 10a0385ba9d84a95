using System.Diagnostics;
using Lookbook.Index;

namespace Lookbook.Bench;

/// <summary>Exact and approximate (HNSW) search over realistic vectors: build time, memory, queries/s and recall@10.</summary>
internal static class AnnBench
{
    public const int K = 10;

    public static double Recall(IReadOnlyList<int[]> truth, IReadOnlyList<int[]> found)
    {
        var hits = 0;
        for (var q = 0; q < truth.Count; q++)
        {
            hits += found[q].Intersect(truth[q]).Count();
        }

        return hits / (double)(truth.Count * K);
    }

    /// <summary>Queries/s with <paramref name="threads"/> threads, each query answered alone (no batching), and the results.</summary>
    public static (double QueriesPerSecond, int[][] Found) Throughput(VectorWorkload workload, int threads, Func<int, int[]> search)
    {
        var found = new int[workload.QueryCount][];
        for (var q = 0; q < Math.Min(50, workload.QueryCount); q++)
        {
            search(q); // warm-up
        }

        var clock = Stopwatch.StartNew();
        Parallel.For(0, workload.QueryCount, new ParallelOptions { MaxDegreeOfParallelism = threads }, q => found[q] = search(q));
        return (workload.QueryCount / clock.Elapsed.TotalSeconds, found);
    }

    public static ExactVectorIndex BuildExact(VectorWorkload workload)
    {
        var index = new ExactVectorIndex(workload.Dimension, workload.Count);
        for (var row = 0; row < workload.Count; row++)
        {
            index.Upsert(Key(row), workload.Vector(row));
        }

        return index;
    }

    public static (HnswVectorIndex Index, TimeSpan BuildTime) BuildHnsw(VectorWorkload workload, HnswOptions options)
    {
        var items = new (string, float[])[workload.Count];
        for (var row = 0; row < workload.Count; row++)
        {
            items[row] = (Key(row), workload.Vector(row).ToArray());
        }

        var clock = Stopwatch.StartNew();
        var index = HnswVectorIndex.Create(workload.Dimension, options);
        index.UpsertMany(items);
        return (index, clock.Elapsed);
    }

    public static string Key(int row) => row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static int[] Rows(IReadOnlyList<VectorHit> hits) => hits.Select(h => int.Parse(h.Key, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}

/// <summary>The "vectors" part of the benchmark.</summary>
internal static class VectorSearchBench
{
    public static void Run(
        BenchReport report, IReadOnlyList<StoredVector> real, int[] sizes, int queryCount, HnswOptions options, int[] expansions, PeerRunner? peers)
    {
        foreach (var size in sizes)
        {
            var workload = VectorWorkload.FromCatalog(real, size, queryCount);
            var clock = Stopwatch.StartNew();
            var truth = workload.ExactNeighbours(AnnBench.K);
            Spectre.Console.AnsiConsole.MarkupLine($"[grey]{size:N0} vectors ({real.Count:N0} real), ground truth in {clock.Elapsed.TotalSeconds:F1} s[/]");
            var group = $"search {size / 1000:N0}k";
            var peerFiles = peers?.Prepare(workload, truth);

            // Alternate Lookbook and each peer so that drift of this shared VM hits both alike.
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var exact = AnnBench.BuildExact(workload);
            report.Add(group, "Lookbook exact memory", (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)size, "bytes/vector",
                "float32 rows + id table (managed heap growth)");
            var (exact1, found) = AnnBench.Throughput(workload, 1, q => AnnBench.Rows(exact.Search(workload.Query(q), AnnBench.K)));
            report.Add(group, "Lookbook exact, 1 thread", exact1, "queries/s", $"recall@10 {AnnBench.Recall(truth, found):F3}");
            var (exact2, _) = AnnBench.Throughput(workload, 2, q => AnnBench.Rows(exact.Search(workload.Query(q), AnnBench.K)));
            report.Add(group, "Lookbook exact, 2 threads", exact2, "queries/s");
            exact = null!;
            GC.Collect();
            peers?.Vectors(report, group, peerFiles!, workload.Dimension, "exact", options);

            var (hnsw, buildTime) = AnnBench.BuildHnsw(workload, options);
            report.Add(group, "Lookbook HNSW build, 2 threads", buildTime.TotalSeconds, "s", $"{size / buildTime.TotalSeconds:N0} vectors/s; M={options.Connectivity}, ef_add={options.ExpansionAdd}, {options.Storage}");
            report.Add(group, "Lookbook HNSW memory", hnsw.NativeMemoryBytes / (double)size, "bytes/vector", $"{hnsw.NativeMemoryBytes / 1048576.0:N0} MiB graph + vectors");
            foreach (var ef in expansions)
            {
                hnsw.ChangeExpansionSearch(ef);
                foreach (var threads in new[] { 1, 2 })
                {
                    var (rate, approximate) = AnnBench.Throughput(workload, threads, q => AnnBench.Rows(hnsw.Search(workload.Query(q), AnnBench.K)));
                    report.Add(group, $"Lookbook HNSW ef={ef}, {threads} thread{(threads > 1 ? "s" : "")}", rate, "queries/s", $"recall@10 {AnnBench.Recall(truth, approximate):F3}");
                }
            }

            hnsw = null!;
            GC.Collect();
            peers?.Vectors(report, group, peerFiles!, workload.Dimension, "approximate", options);
        }
    }
}

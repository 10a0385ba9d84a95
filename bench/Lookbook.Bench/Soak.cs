using System.Diagnostics;

namespace Lookbook.Bench;

/// <summary>
/// Sustained load on POST /api/search: <c>concurrency</c> clients for <c>duration</c>, alternating a small PNG and a
/// product-sized JPEG. Every window reports latency percentiles, the process's resident memory and its managed
/// heap, so a leak or a latency drift shows as a trend. The server runs in this process (the load generator's own
/// allocations are small and constant).
/// </summary>
internal static class Soak
{
    public static async Task RunAsync(BenchReport report, HttpClient http, (string Name, byte[] Bytes, string Type)[] photos, int catalogSize, TimeSpan duration, int concurrency, CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromSeconds(Math.Max(10, duration.TotalSeconds / 10));
        var samples = new List<(double At, double Ms)>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var sampler = SampleMemoryAsync(clock, window, duration, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            while (clock.Elapsed < duration)
            {
                var (_, bytes, type) = photos[Interlocked.Increment(ref sent) % photos.Length];
                var ms = await HttpLoad.SearchAsync(http, bytes, type, cancellationToken);
                lock (samples)
                {
                    samples.Add((clock.Elapsed.TotalSeconds, ms));
                }
            }
        }));
        var memory = await sampler;

        var group = $"soak {duration.TotalMinutes:0.#} min, concurrency {concurrency}, {catalogSize:N0} products";
        // Requests still in flight when the time is up finish just after it: they belong to the last window.
        var lastWindow = (int)Math.Ceiling(duration / window) - 1;
        var windows = samples.GroupBy(s => Math.Min(lastWindow, (int)(s.At / window.TotalSeconds))).OrderBy(g => g.Key).ToList();
        foreach (var slice in windows)
        {
            var latencies = slice.Select(s => s.Ms).ToList();
            var (_, rss, heap) = memory.LastOrDefault(m => m.At <= ((slice.Key + 1) * window.TotalSeconds) + 1);
            report.Add(group, $"{slice.Key * window.TotalSeconds:0}-{(slice.Key + 1) * window.TotalSeconds:0} s p99", Percentiles.Of(latencies, 99), "ms",
                $"p50 {Percentiles.Of(latencies, 50):F1} ms, {latencies.Count / window.TotalSeconds:F0} req/s, RSS {rss / 1048576.0:F0} MiB, managed heap {heap / 1048576.0:F0} MiB");
        }

        var all = samples.Select(s => s.Ms).ToList();
        report.Add(group, "all requests p50", Percentiles.Of(all, 50), "ms", $"{all.Count} requests, {all.Count / duration.TotalSeconds:F0} req/s");
        report.Add(group, "all requests p99", Percentiles.Of(all, 99), "ms");
        var settled = memory.Where(m => m.At >= window.TotalSeconds).ToList(); // after the first window: warm-up done
        if (settled.Count >= 2)
        {
            report.Add(group, "resident memory, first → last settled sample", (settled[^1].Rss - settled[0].Rss) / 1048576.0, "MiB change",
                $"{settled[0].Rss / 1048576.0:F0} → {settled[^1].Rss / 1048576.0:F0} MiB; max {settled.Max(m => m.Rss) / 1048576.0:F0} MiB");
        }
    }

    private static async Task<List<(double At, long Rss, long Heap)>> SampleMemoryAsync(Stopwatch clock, TimeSpan window, TimeSpan duration, CancellationToken cancellationToken)
    {
        var memory = new List<(double At, long Rss, long Heap)>();
        using var timer = new PeriodicTimer(window / 2);
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            using var process = Process.GetCurrentProcess();
            memory.Add((clock.Elapsed.TotalSeconds, process.WorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes));
        }

        return memory;
    }
}

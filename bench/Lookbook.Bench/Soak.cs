using System.Diagnostics;
using Lookbook.Testing;

namespace Lookbook.Bench;

/// <summary>
/// Sustained load on POST /api/search: <c>concurrency</c> clients for <c>duration</c>, alternating a small PNG and a
/// product-sized JPEG. Every window reports latency percentiles, the process's resident memory and its managed
/// heap, so a leak or a latency drift shows as a trend. The server runs in this process (the load generator's own
/// allocations are small and constant). With a fault share, that part of the requests are hostile instead
/// (<see cref="UploadFuzzer"/> cases over raw sockets: mutated files in broken framing, aborted uploads, slow bodies),
/// and the report counts what each kind was answered — a 5xx anywhere is a finding.
/// </summary>
internal static class Soak
{
    public static async Task RunAsync(
        BenchReport report, HttpClient http, (string Name, byte[] Bytes, string Type)[] photos, int catalogSize, TimeSpan duration, int concurrency,
        double faultShare, CancellationToken cancellationToken)
    {
        var fuzzer = new UploadFuzzer(20261201, UploadFuzzer.DefaultCorpus());
        var faults = new FaultTally();
        var goodFailures = 0;
        var window = TimeSpan.FromSeconds(Math.Max(10, duration.TotalSeconds / 10));
        var samples = new List<(double At, double Ms)>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var sampler = SampleMemoryAsync(clock, window, duration, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            while (clock.Elapsed < duration)
            {
                if (random.NextDouble() < faultShare)
                {
                    FuzzCase fuzz;
                    lock (fuzzer)
                    {
                        fuzz = fuzzer.Next(faults: true);
                    }

                    var status = await FuzzClient.SendAsync(fuzz, http.BaseAddress!.Host, http.BaseAddress.Port, TimeSpan.FromSeconds(30), cancellationToken);
                    faults.Add(fuzz.Transport, status);
                    continue;
                }

                var (_, bytes, type) = photos[Interlocked.Increment(ref sent) % photos.Length];
                double ms;
                try
                {
                    ms = await HttpLoad.SearchAsync(http, bytes, type, cancellationToken);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref goodFailures); // a good photo not answered 200: counted, the soak goes on
                    continue;
                }

                lock (samples)
                {
                    samples.Add((clock.Elapsed.TotalSeconds, ms));
                }
            }
        }));
        var memory = await sampler;

        var group = $"soak {duration.TotalMinutes:0.#} min, concurrency {concurrency}, {catalogSize:N0} products" + (faultShare > 0 ? $", {faultShare:P0} faults" : "");
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
        report.Add(group, "good photos not answered 200", goodFailures, "requests");
        if (faultShare > 0)
        {
            foreach (var (transport, answers) in faults.ByTransport())
            {
                report.Add(group, $"faults: {Describe(transport)}, 5xx", answers.Where(a => a.Key >= 500).Sum(a => a.Value), "answers",
                    string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{(a.Key == 0 ? "closed, no answer read" : a.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {a.Value}")));
            }
        }

        var settled = memory.Where(m => m.At >= window.TotalSeconds).ToList(); // after the first window: warm-up done
        if (settled.Count >= 2)
        {
            report.Add(group, "resident memory, first → last settled sample", (settled[^1].Rss - settled[0].Rss) / 1048576.0, "MiB change",
                $"{settled[0].Rss / 1048576.0:F0} → {settled[^1].Rss / 1048576.0:F0} MiB; max {settled.Max(m => m.Rss) / 1048576.0:F0} MiB");
        }
    }

    private static string Describe(FuzzTransport transport) => transport switch
    {
        FuzzTransport.Aborted => "aborted uploads",
        FuzzTransport.Slow => "slow bodies (64 B/s)",
        _ => "bad files and framing",
    };

    /// <summary>What each kind of fault was answered (null: nothing, as for an upload the client aborted).</summary>
    private sealed class FaultTally
    {
        private readonly Dictionary<(FuzzTransport, int), int> _counts = []; // status 0: no answer

        public void Add(FuzzTransport transport, int? status)
        {
            lock (_counts)
            {
                _counts[(transport, status ?? 0)] = _counts.GetValueOrDefault((transport, status ?? 0)) + 1;
            }
        }

        public IEnumerable<(FuzzTransport Transport, Dictionary<int, int> Answers)> ByTransport() =>
            _counts.GroupBy(c => c.Key.Item1).OrderBy(g => g.Key).Select(g => (g.Key, g.ToDictionary(c => c.Key.Item2, c => c.Value)));
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

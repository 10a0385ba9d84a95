using System.Diagnostics;
using System.Globalization;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Cluster;
using Lookbook.Index;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lookbook.Bench;

/// <summary>
/// The cluster mode on loopback: PostgreSQL and Redis started here (temporary folders), 1, 2 and 3 silos in this
/// process. Vector search through the cluster (the photo is embedded once, before, by the front end: its cost is the
/// <c>http</c> part's) against the single-node exact index over the same catalog, at concurrency 1 (latency) and 8
/// (throughput); and a distributed import of the Fashion-MNIST sample with 1–3 silos against a one-process import.
/// On one 2-core machine every silo shares the same cores: this shows the fan-out's overhead, not a cluster's speed-up.
/// </summary>
internal static class ClusterBench
{
    private const int Dimension = 256;
    private const int Shards = 6;
    private const int K = 10;

    public static async Task RunAsync(BenchReport report, int products, int queries, CancellationToken cancellationToken)
    {
        using var temp = new TempDirectory();
        using var postgres = PostgresServer.Start();
        using var redis = RedisServer.Start();
        var connection = postgres.CreateDatabase();
        using var catalog = CatalogDatabase.OpenPostgres(connection, temp.File("front/catalog"));
        var random = new Random(42);
        var clock = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, products).Chunk(2_000))
        {
            catalog.SaveProducts([.. chunk.Select(i => (Product(i), TestVectors.Unit(random, Dimension)))]);
        }

        var group = $"cluster, vector search ({products:N0} products × {Dimension}-d, {Shards} shards, exact, top {K})";
        report.Add(group, "catalog written to PostgreSQL", clock.Elapsed.TotalSeconds, "s");
        var queryVectors = Enumerable.Range(0, 200).Select(_ => TestVectors.Unit(random, Dimension)).ToList();

        var single = new ExactVectorIndex(Dimension);
        foreach (var stored in catalog.ReadVectors(cancellationToken))
        {
            single.Upsert(stored.ProductId, stored.Vector);
        }

        await MeasureAsync(report, group, "single node (in-process exact index)", queries, queryVectors,
            q => Task.FromResult(single.Search(q, K).Count)).ConfigureAwait(false);

        for (var silos = 1; silos <= 3; silos++)
        {
            var hosts = new List<IHost>();
            try
            {
                for (var s = 0; s < silos; s++)
                {
                    var silo = ClusterHosting.BuildSilo(Configuration(connection, redis, temp.File($"silo{s}/catalog"), Loopback.FreePort(), Loopback.FreePort()), Quiet);
                    await silo.StartAsync(cancellationToken).ConfigureAwait(false);
                    hosts.Add(silo);
                }

                var client = ClusterHosting.BuildClient(Configuration(connection, redis, temp.File("front/catalog"), 0, 0), Quiet);
                hosts.Add(client);
                await client.StartAsync(cancellationToken).ConfigureAwait(false);
                var search = client.Services.GetRequiredService<ClusterSearch>();
                clock.Restart();
                await search.PrepareAsync(cancellationToken).ConfigureAwait(false);
                report.Add(group, $"{silos} silo{(silos == 1 ? "" : "s")}: shards activated (each loads its part from PostgreSQL)", clock.Elapsed.TotalSeconds, "s");
                var partial = 0;
                await MeasureAsync(report, group, $"{silos} silo{(silos == 1 ? "" : "s")}", queries, queryVectors, async q =>
                {
                    var answer = await search.SearchAsync(q, K, cancellationToken: cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref partial, answer.IsPartial ? 1 : 0);
                    return answer.Hits.Count;
                }).ConfigureAwait(false);
                report.Add(group, $"{silos} silo{(silos == 1 ? "" : "s")}: partial answers", partial, "queries");
            }
            finally
            {
                await StopAsync(hosts).ConfigureAwait(false);
            }
        }

        await ImportAsync(report, postgres, redis, temp, queries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Latency at concurrency 1, then throughput with 8 concurrent searchers.</summary>
    private static async Task MeasureAsync(BenchReport report, string group, string name, int queries, List<float[]> vectors, Func<float[], Task<int>> search)
    {
        for (var i = 0; i < 20; i++)
        {
            await search(vectors[i % vectors.Count]).ConfigureAwait(false); // warm-up
        }

        var latencies = new List<double>(queries);
        for (var i = 0; i < queries; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await search(vectors[i % vectors.Count]).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        report.Add(group, $"{name}: p50", Percentiles.Of(latencies, 50), "ms", $"{queries:N0} queries, concurrency 1");
        report.Add(group, $"{name}: p99", Percentiles.Of(latencies, 99), "ms");

        const int Concurrency = 8;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < queries)
            {
                await search(vectors[i % vectors.Count]).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);
        report.Add(group, $"{name}: throughput", queries / clock.Elapsed.TotalSeconds, "queries/s", $"concurrency {Concurrency}");
    }

    /// <summary>
    /// The Fashion-MNIST sample (3,000 images) imported by one process, then by 1–3 silos through the queue; and photo
    /// searches over HTTP: the single-node server over a SQLite copy against a cluster front end over the silos.
    /// </summary>
    private static async Task ImportAsync(BenchReport report, PostgresServer postgres, RedisServer redis, TempDirectory temp, int requests, CancellationToken cancellationToken)
    {
        var source = new FashionMnistSource(RepositoryPaths.SampleCatalog, "train");
        var group = $"cluster, import ({source.CountHint:N0} Fashion-MNIST images into PostgreSQL)";
        var http = $"cluster, photo search over HTTP ({source.CountHint:N0} Fashion-MNIST products, 28×28 PNG query, top 10)";
        var photo = File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "sneaker.png"));
        using (var embedder = new OnnxImageEmbedder(new EmbeddingOptions()))
        using (var alone = CatalogDatabase.OpenPostgres(postgres.CreateDatabase(), temp.File("alone/catalog")))
        {
            var clock = Stopwatch.StartNew();
            await new CatalogImporter(alone, embedder).ImportAsync(source, new ImportOptions(), cancellationToken: cancellationToken).ConfigureAwait(false);
            report.Add(group, "one process (lookbook import)", source.CountHint!.Value / clock.Elapsed.TotalSeconds, "images/s");

            using var local = CatalogDatabase.Open(temp.File("single/catalog.db"));
            await new CatalogImporter(local, embedder).ImportAsync(source, new ImportOptions(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var single = Lookbook.Api.Hosting.LookbookWebApp.Create(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Lookbook:Storage:DatabasePath"] = temp.File("single/catalog.db"),
            ["Lookbook:Api:SearchesPerMinute"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await single.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await MeasureHttpAsync(report, http, "single-node server (lookbook serve)", single.Urls.First(), photo, requests, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await single.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await single.DisposeAsync().ConfigureAwait(false);
        }

        for (var silos = 1; silos <= 3; silos++)
        {
            var connection = postgres.CreateDatabase();
            var hosts = new List<IHost>();
            try
            {
                for (var s = 0; s < silos; s++)
                {
                    var silo = ClusterHosting.BuildSilo(Configuration(connection, redis, temp.File($"import{silos}-{s}/catalog"), Loopback.FreePort(), Loopback.FreePort()), Quiet);
                    await silo.StartAsync(cancellationToken).ConfigureAwait(false);
                    hosts.Add(silo);
                }

                using var coordinator = CatalogDatabase.OpenPostgres(connection, temp.File($"import{silos}/catalog"));
                using (var embedder = new OnnxImageEmbedder(new EmbeddingOptions()))
                {
                    coordinator.EnsureEmbeddingProfile(embedder.Profile);
                }

                var clock = Stopwatch.StartNew();
                var result = await new QueuedImport(coordinator).RunAsync(source, cancellationToken: cancellationToken).ConfigureAwait(false);
                report.Add(group, $"{silos} silo{(silos == 1 ? "" : "s")} (lookbook import --cluster)", source.CountHint!.Value / clock.Elapsed.TotalSeconds, "images/s",
                    $"{result.Counts.Added:N0} added");

                var frontEnd = Lookbook.Api.Hosting.ClusterFrontEnd.Create(["--urls", "http://127.0.0.1:0"],
                    Configuration(connection, redis, temp.File($"front{silos}/catalog"), 0, 0).AsEnumerable().Append(new("Logging:LogLevel:Default", "Warning"))
                        .ToDictionary(p => p.Key, p => p.Value));
                await frontEnd.StartAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await MeasureHttpAsync(report, http, $"front end + {silos} silo{(silos == 1 ? "" : "s")} (lookbook serve --cluster)", frontEnd.Urls.First(), photo, requests, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await frontEnd.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    await frontEnd.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                await StopAsync(hosts).ConfigureAwait(false);
            }
        }
    }

    /// <summary>POST /api/search of one photo: latency at concurrency 1, throughput with 8 concurrent clients.</summary>
    private static async Task MeasureHttpAsync(BenchReport report, string group, string name, string url, byte[] photo, int requests, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        var vectors = new List<float[]> { Array.Empty<float>() };
        await MeasureAsync(report, group, name, requests, vectors, async _ =>
        {
            await HttpLoad.SearchAsync(client, photo, "image/png", cancellationToken).ConfigureAwait(false);
            return 10;
        }).ConfigureAwait(false);
    }

    /// <summary>Stops the hosts last started first (the client before the silos it talks to).</summary>
    private static async Task StopAsync(List<IHost> hosts)
    {
        foreach (var host in Enumerable.Reverse(hosts))
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
        }
    }

    private static void Quiet(IServiceCollection services) => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));

    private static IConfiguration Configuration(string connection, RedisServer redis, string localPath, int siloPort, int gatewayPort)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lookbook:Storage:Provider"] = "Postgres",
            ["Lookbook:Storage:ConnectionString"] = connection,
            ["Lookbook:Storage:DatabasePath"] = localPath,
            ["Lookbook:Cluster:Redis"] = redis.Configuration,
            ["Lookbook:Cluster:ClusterId"] = "bench-" + connection.GetHashCode(StringComparison.Ordinal).ToString("x", CultureInfo.InvariantCulture),
            ["Lookbook:Cluster:Shards"] = Shards.ToString(CultureInfo.InvariantCulture),
            ["Lookbook:Cluster:ImportPollInterval"] = "00:00:00.100",
        };
        if (siloPort > 0)
        {
            settings["Lookbook:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
            settings["Lookbook:Cluster:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    private static ProductRecord Product(int i) =>
        new($"p{i}", "bench", $"Product {i}", (i % 10).ToString(CultureInfo.InvariantCulture), new Dictionary<string, string>(), $"m{i}", $"h{i}", null, [1], "PNG", 1, 1);
}

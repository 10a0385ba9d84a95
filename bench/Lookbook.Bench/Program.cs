using System.CommandLine;
using Lookbook.Bench;

var images = new Option<int>("--images") { Description = "Images per throughput measurement.", DefaultValueFactory = _ => 1500 };
var inputSize = new Option<int>("--input-size") { Description = "Model input size in pixels.", DefaultValueFactory = _ => 64 };
var batches = new Option<int[]>("--batch") { Description = "Batch sizes to measure.", DefaultValueFactory = _ => [1, 8, 32], AllowMultipleArgumentsPerToken = true };
var catalogSizes = new Option<int[]>("--catalog") { Description = "Catalog sizes for search latency (real vectors, perturbed copies beyond the sample).", DefaultValueFactory = _ => [3000, 70000], AllowMultipleArgumentsPerToken = true };
var full = new Option<bool>("--full") { Description = "Measure quality on the full Fashion-MNIST (60,000 catalog, 10,000 queries; needs dataset-fashion-mnist)." };
var json = new Option<string?>("--json") { Description = "Also write the results to this JSON file." };
var only = new Option<string[]>("--only") { Description = "Run only these parts: embedding, search, vectors, quality, http, catalog, real, cluster (default: all but cluster).", AllowMultipleArgumentsPerToken = true };
var noPeers = new Option<bool>("--no-peers") { Description = "Skip the Python peers (PyTorch, FAISS, scikit-learn)." };
var url = new Option<string?>("--url") { Description = "http: a running Lookbook server to load; default: an in-process server over --db." };
var database = new Option<string>("--db") { Description = "http, catalog, vectors: the catalog to use (e.g. the full 70,000-image Fashion-MNIST).", DefaultValueFactory = _ => ".lookbook/fmnist70k.db" };
var requests = new Option<int>("--requests") { Description = "http and cluster: requests per measurement.", DefaultValueFactory = _ => 200 };
var vectorSizes = new Option<int[]>("--vectors") { Description = "vectors: catalog sizes for exact vs approximate search (real vectors, blended beyond the catalog).", DefaultValueFactory = _ => [100_000, 1_000_000], AllowMultipleArgumentsPerToken = true };
var queryCount = new Option<int>("--queries") { Description = "vectors: queries per measurement.", DefaultValueFactory = _ => 1000 };
var expansions = new Option<int[]>("--ef") { Description = "vectors: HNSW search expansions to measure (recall vs speed).", DefaultValueFactory = _ => [16, 32, 64], AllowMultipleArgumentsPerToken = true };
var expansionAdd = new Option<int>("--ef-add") { Description = "vectors: HNSW build expansion.", DefaultValueFactory = _ => new Lookbook.Index.HnswOptions().ExpansionAdd };
var storage = new Option<Lookbook.Index.HnswStorage>("--storage") { Description = "vectors: scalar type of the graph's vectors.", DefaultValueFactory = _ => new Lookbook.Index.HnswOptions().Storage };
var soak = new Option<int?>("--soak") { Description = "http: instead of fixed-count runs, load the server for this many seconds at the highest --concurrency (latency and memory per window)." };
var hostile = new Option<bool>("--hostile") { Description = "http: instead of latency runs, the server's memory under hostile uploads (40-megapixel PNG bombs at the highest --concurrency, 9 MB photos); in-process server only." };
var faults = new Option<int>("--faults") { Description = "http --soak: this percentage of the requests are hostile (mutated files in broken framing, aborted uploads, slow bodies); the report counts their answers and any 5xx." };
var real = new Option<string?>("--real") { Description = "real: the Kaggle product photos (styles.csv + images/); default ../shared/data/fashion-products beside the repository." };
var shopperPhotos = new Option<int>("--shopper-photos") { Description = "real: catalog products photographed as a shopper would, per strength.", DefaultValueFactory = _ => 500 };
var concurrency = new Option<int[]>("--concurrency") { Description = "http: concurrent clients.", DefaultValueFactory = _ => [1, 4, 8], AllowMultipleArgumentsPerToken = true };

var clusterProducts = new Option<int>("--cluster-products") { Description = "cluster: products in the catalog the silos search.", DefaultValueFactory = _ => 200_000 };

var root = new RootCommand("Lookbook benchmarks: embedding throughput, search latency and retrieval quality on this machine.")
{
    images, inputSize, batches, catalogSizes, full, json, only, url, database, requests, concurrency, vectorSizes, queryCount, noPeers, soak, expansions, expansionAdd, storage,
    real, shopperPhotos, hostile, faults, clusterProducts,
};
root.SetAction(async (result, cancellationToken) =>
{
    var parts = result.GetValue(only) is { Length: > 0 } chosen ? chosen.ToHashSet() : ["embedding", "search", "vectors", "quality", "http", "catalog", "real"];
    var peers = result.GetValue(noPeers) ? null : PeerRunner.Start(Path.Combine(Path.GetTempPath(), "lookbook-bench-peers"));
    var report = new BenchReport(BenchEnvironment.Machine, result.GetValue(inputSize));
    using var suite = parts.Overlaps(["embedding", "search", "quality"]) ? new BenchSuite(result.GetValue(inputSize)) : null;
    if (parts.Contains("embedding"))
    {
        await suite!.EmbeddingThroughputAsync(report, result.GetValue(images), result.GetValue(batches)!, cancellationToken);
        suite.EmbeddingVersusPeers(report, peers);
    }

    if (parts.Contains("search"))
    {
        await suite!.SearchLatencyAsync(report, result.GetValue(catalogSizes)!, cancellationToken);
    }

    if (parts.Contains("quality"))
    {
        await suite!.QualityAsync(report, result.GetValue(full), cancellationToken);
    }

    if (parts.Contains("vectors"))
    {
        var real = await BenchSuite.RealVectorsAsync(result.GetValue(database)!, cancellationToken);
        VectorSearchBench.Run(report, real, result.GetValue(vectorSizes)!, result.GetValue(queryCount),
            new Lookbook.Index.HnswOptions { ExpansionAdd = result.GetValue(expansionAdd), Storage = result.GetValue(storage) }, result.GetValue(expansions)!, peers);
    }

    if (parts.Contains("http"))
    {
        await HttpLoad.RunAsync(report, result.GetValue(url), result.GetValue(database)!, result.GetValue(requests), result.GetValue(concurrency)!,
            result.GetValue(soak) is { } seconds ? TimeSpan.FromSeconds(seconds) : null, result.GetValue(hostile), result.GetValue(faults) / 100.0, cancellationToken);
    }

    if (parts.Contains("real"))
    {
        await RealCatalogBench.RunAsync(report, result.GetValue(real) ?? RealCatalogBench.DefaultFolder, result.GetValue(shopperPhotos), cancellationToken);
    }

    if (parts.Contains("cluster"))
    {
        await ClusterBench.RunAsync(report, result.GetValue(clusterProducts), result.GetValue(requests), cancellationToken);
    }

    if (parts.Contains("catalog"))
    {
        CatalogSwapBench.Run(report, result.GetValue(database)!, cancellationToken);
    }

    report.Print();
    if (result.GetValue(json) is { } path)
    {
        report.Save(path);
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();

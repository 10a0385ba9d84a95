using System.Diagnostics;
using Lookbook.Catalog;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Learning;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Bench;

/// <summary>The measurements. Each one uses the real model, the real database file and the shipped or Debian data.</summary>
internal sealed class BenchSuite : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "lookbook-bench", Guid.NewGuid().ToString("N"));
    private const int Rounds = 3;
    private readonly OnnxImageEmbedder _embedder;
    private readonly EmbeddingOptions _embedderOptions;

    public BenchSuite(int inputSize)
    {
        Directory.CreateDirectory(_work);
        _embedderOptions = new EmbeddingOptions { Preprocessing = new PreprocessingOptions { InputSize = inputSize } };
        _embedder = new OnnxImageEmbedder(_embedderOptions);
    }

    public void Dispose()
    {
        _embedder.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_work, recursive: true);
    }

    private CatalogDatabase NewDatabase() => CatalogDatabase.Open(Path.Combine(_work, Guid.NewGuid().ToString("N") + ".db"));

    /// <summary>
    /// Model-only throughput vs the whole import pipeline (PNG, hashing, decoding, pre-processing, inference, SQLite) per
    /// batch size, for the float32 backbone and the int8 one (calibrated on 256 sample images first).
    /// </summary>
    public async Task EmbeddingThroughputAsync(BenchReport report, int count, int[] batchSizes, CancellationToken cancellationToken)
    {
        var sample = BenchEnvironment.Dataset(full: count > 3000);
        var pngs = new FashionMnistSource(sample, "train", count).ReadEntries().Select(e => e.Item!.ImageBytes!).ToList();
        var prepared = pngs.Select(p => _embedder.Preparer.Prepare(p)).ToList();
        var calibrationPath = Path.Combine(_work, "int8.json");
        Int8Calibrator.Calibrate(_embedderOptions, pngs.Take(256)).Save(calibrationPath);
        using var int8 = new OnnxImageEmbedder(new EmbeddingOptions
        {
            Preprocessing = _embedderOptions.Preprocessing,
            Precision = ModelPrecision.Int8,
            CalibrationPath = calibrationPath,
        });
        (string Name, OnnxImageEmbedder Model)[] models = [("float32", _embedder), ("int8", int8)];
        foreach (var (_, model) in models)
        {
            model.Embed(prepared.Take(8).ToList()); // warm-up
        }

        foreach (var batch in batchSizes)
        {
            // This machine is a shared VM whose speed drifts: alternate the measurements and keep medians.
            var inference = models.ToDictionary(m => m.Name, _ => new List<double>());
            var pipeline = models.ToDictionary(m => m.Name, _ => new List<double>());
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var (name, model) in models)
                {
                    var clock = Stopwatch.StartNew();
                    foreach (var chunk in prepared.Chunk(batch))
                    {
                        model.Embed(chunk);
                    }

                    inference[name].Add(prepared.Count / clock.Elapsed.TotalSeconds);
                }

                foreach (var (name, model) in models)
                {
                    var importer = new CatalogImporter(NewDatabase(), model) { BatchSize = batch };
                    var result = await importer.ImportAsync(new FashionMnistSource(sample, "train", count), new ImportOptions(), cancellationToken: cancellationToken);
                    pipeline[name].Add(result.EmbeddedPerSecond);
                }
            }

            var fp32 = Percentiles.Of(inference["float32"], 50);
            foreach (var (name, _) in models)
            {
                var inferenceRate = Percentiles.Of(inference[name], 50);
                var pipelineRate = Percentiles.Of(pipeline[name], 50);
                report.Add("embedding", $"{name} inference only, batch {batch}", inferenceRate, "images/s",
                    name == "float32" ? $"median of {Rounds}" : $"{inferenceRate / fp32:F2}x float32");
                report.Add("embedding", $"{name} import pipeline, batch {batch}", pipelineRate, "images/s", $"{pipelineRate / inferenceRate:P0} of inference; {count} images into SQLite");
            }
        }

        prepared.ForEach(p => p.Dispose());
    }

    /// <summary>
    /// The whole ResNet18 at 224 px through ONNX Runtime (the embedder with the model's own pooled output) against
    /// PyTorch's ResNet18 and ResNet50, alternating rounds so the VM's drift hits every contender alike.
    /// </summary>
    public void EmbeddingVersusPeers(BenchReport report, PeerRunner? peers)
    {
        const int Size = 224, Batch = 8, Images = 96;
        var options = new EmbeddingOptions { Layers = [], Preprocessing = new PreprocessingOptions { InputSize = Size } };
        var pngs = new FashionMnistSource(BenchEnvironment.FindSample(), "train", Images).ReadEntries().Select(e => e.Item!.ImageBytes!).ToList();
        var calibrationPath = Path.Combine(_work, "int8-224.json");
        Int8Calibrator.Calibrate(options, pngs).Save(calibrationPath);
        using var fp32 = new OnnxImageEmbedder(options);
        using var int8 = new OnnxImageEmbedder(new EmbeddingOptions { Layers = [], Preprocessing = options.Preprocessing, Precision = ModelPrecision.Int8, CalibrationPath = calibrationPath });
        (string Name, OnnxImageEmbedder Model)[] models = [("float32", fp32), ("int8", int8)];
        var prepared = pngs.Select(p => fp32.Preparer.Prepare(p)).ToList();
        var rates = models.ToDictionary(m => m.Name, _ => new List<double>());
        foreach (var (_, model) in models)
        {
            model.Embed(prepared.Take(Batch).ToList()); // warm-up
        }

        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, model) in models)
            {
                var clock = Stopwatch.StartNew();
                foreach (var chunk in prepared.Chunk(Batch))
                {
                    model.Embed(chunk);
                }

                rates[name].Add(prepared.Count / clock.Elapsed.TotalSeconds);
            }

            if (round == Rounds / 2 && peers is not null)
            {
                peers.Embedding(report, "resnet18", Size, Batch, Images);
                peers.Embedding(report, "resnet50", Size, Batch, Images / 3);
            }
        }

        foreach (var (name, _) in models)
        {
            report.Add("embedding peers", $"ONNX Runtime resnet18 {name}, {Size} px, batch {Batch}", Percentiles.Of(rates[name], 50), "images/s",
                $"median of {Rounds}, pretrained weights, whole network{(name == "int8" ? $", {Percentiles.Of(rates[name], 50) / Percentiles.Of(rates["float32"], 50):F2}x float32" : "")}");
        }

        prepared.ForEach(p => p.Dispose());
    }

    /// <summary>Exact search latency at several catalog sizes; beyond the real sample, real vectors are perturbed copies.</summary>
    public async Task SearchLatencyAsync(BenchReport report, int[] catalogSizes, CancellationToken cancellationToken)
    {
        var database = NewDatabase();
        var sample = BenchEnvironment.FindSample();
        await new CatalogImporter(database, _embedder).ImportAsync(new FashionMnistSource(sample), new ImportOptions(), cancellationToken: cancellationToken);
        var real = database.ReadVectors(cancellationToken).ToList();
        var queries = new FashionMnistSource(sample, "test", 200).ReadEntries().Select(e => e.Item!.ImageBytes!).ToList();
        var queryVectors = queries.Select(q =>
        {
            using var p = _embedder.Preparer.Prepare(q);
            return _embedder.Embed([p])[0];
        }).ToList();

        foreach (var size in catalogSizes)
        {
            var index = AnnBench.BuildExact(VectorWorkload.FromCatalog(real, size, queryCount: 0));

            var latencies = new List<double>();
            foreach (var query in queryVectors.Concat(queryVectors))
            {
                var clock = Stopwatch.StartNew();
                index.Search(query, 10);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }

            latencies = latencies.Skip(queryVectors.Count).ToList(); // first pass is warm-up
            report.Add("search", $"exact top-10 over {size:N0}, p50", Percentiles.Of(latencies, 50), "ms", "1 thread");
            report.Add("search", $"exact top-10 over {size:N0}, p99", Percentiles.Of(latencies, 99), "ms");
        }

        var search = new PhotoSearch(new SearchableCatalogProvider(database), _embedder);
        var photoLatencies = new List<double>();
        foreach (var query in queries.Concat(queries))
        {
            var clock = Stopwatch.StartNew();
            search.Search(query, new SearchRequest(10));
            photoLatencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        photoLatencies = photoLatencies.Skip(queries.Count).ToList();
        report.Add("search", $"photo search (decode+embed+search) over {real.Count:N0}, p50", Percentiles.Of(photoLatencies, 50), "ms", "28x28 PNG");
        report.Add("search", $"photo search over {real.Count:N0}, p99", Percentiles.Of(photoLatencies, 99), "ms");
    }

    /// <summary>Precision@10 of official test images against the training images as the catalog.</summary>
    public async Task QualityAsync(BenchReport report, bool full, CancellationToken cancellationToken)
    {
        var dataset = BenchEnvironment.Dataset(full);
        var database = NewDatabase();
        var clock = Stopwatch.StartNew();
        var imported = await new CatalogImporter(database, _embedder).ImportAsync(new FashionMnistSource(dataset), new ImportOptions(), cancellationToken: cancellationToken);
        var search = new PhotoSearch(new SearchableCatalogProvider(database), _embedder);
        var queries = new FashionMnistSource(dataset, "test").ReadEntries().Select(e => e.Item!).ToList();
        var precision = queries.Average(q => RetrievalMetrics.PrecisionAtK(
            search.Search(q.ImageBytes, new SearchRequest(10)).Hits.Select(h => h.Product.Category).ToList(), q.Category, 10));
        report.Add("quality", $"precision@10, {queries.Count:N0} test queries vs {imported.Counts.Added:N0} catalog", precision, "", $"{clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>Real embeddings: those of <paramref name="databasePath"/> when it exists (e.g. all 70,000 Fashion-MNIST images), else of the shipped sample.</summary>
    public static async Task<IReadOnlyList<StoredVector>> RealVectorsAsync(string databasePath, CancellationToken cancellationToken)
    {
        if (File.Exists(databasePath))
        {
            var existing = CatalogDatabase.Open(databasePath);
            return existing.ReadVectors(cancellationToken).ToList();
        }

        using var suite = new BenchSuite(64);
        var database = suite.NewDatabase();
        await new CatalogImporter(database, suite._embedder).ImportAsync(new FashionMnistSource(BenchEnvironment.FindSample()), new ImportOptions(), cancellationToken: cancellationToken);
        return database.ReadVectors(cancellationToken).ToList();
    }
}

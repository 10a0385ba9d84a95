using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;

namespace Lookbook.Catalog.Tests;

/// <summary>
/// A distributed import's work queue in a real PostgreSQL: workers in parallel take distinct batches, a worker that
/// dies mid-batch (its transaction rolled back) loses nothing and duplicates nothing, and the run's counts are exact.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class QueuedImportTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _connectionString = postgres.Server.CreateDatabase();
    private readonly List<CatalogDatabase> _opened = [];

    public void Dispose()
    {
        _opened.ForEach(c => c.Dispose());
        _temp.Dispose();
    }

    private CatalogDatabase Open()
    {
        var catalog = CatalogDatabase.OpenPostgres(_connectionString, _temp.File("catalog"));
        _opened.Add(catalog);
        return catalog;
    }

    [Fact]
    public async Task Two_workers_share_the_batches_a_dead_one_loses_nothing_and_the_counts_are_exact()
    {
        using var embedder = new Lookbook.Vision.Embedding.OnnxImageEmbedder(new Lookbook.Vision.Embedding.EmbeddingOptions());
        var coordinator = Open();
        coordinator.EnsureEmbeddingProfile(embedder.Profile);
        var source = new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit: 100);
        var (runId, batches) = new QueuedImport(coordinator) { BatchSize = 16 }.Enqueue(source);
        Assert.Equal(7, batches);

        // A worker takes the first batch and dies before completing it: the batch goes back to the queue.
        using (var dying = Open().TryTakeImportBatch("dying"))
        {
            Assert.Equal(1, dying!.BatchNo);
            // While it is held, nobody else gets it.
            using var other = Open().TryTakeImportBatch("other");
            Assert.Equal(2, other!.BatchNo);
        }

        var done = new List<string>();
        var workers = new[] { "a", "b" }.Select(name => Task.Run(async () =>
        {
            var worker = new QueuedImportWorker(Open(), embedder, name) { BatchSize = 8, DecodeWorkers = 1 };
            while (await worker.TryRunOneAsync(CancellationToken.None))
            {
                lock (done)
                {
                    done.Add(name);
                }
            }
        }));
        await Task.WhenAll(workers);

        var run = await new QueuedImport(coordinator).WaitAsync(runId);
        Assert.Equal("completed", run.Status);
        Assert.Equal(new ImportRunCounts(100, 0, 0, 0, 0), run.Counts);
        Assert.Equal(7, done.Count);
        Assert.Equal(100, coordinator.CountVectors());
        Assert.Equal("completed", coordinator.GetRunStatus(runId));

        // The same source again: nothing to embed, every product unchanged.
        var (again, _) = new QueuedImport(coordinator) { BatchSize = 16 }.Enqueue(source);
        while (await new QueuedImportWorker(Open(), embedder, "c").TryRunOneAsync(CancellationToken.None))
        {
        }

        Assert.Equal(new ImportRunCounts(0, 0, 100, 0, 0), (await new QueuedImport(coordinator).WaitAsync(again)).Counts);
    }

    [Fact]
    public async Task Bad_files_and_duplicate_ids_are_recorded_and_the_good_ones_imported()
    {
        using var embedder = new Lookbook.Vision.Embedding.OnnxImageEmbedder(new Lookbook.Vision.Embedding.EmbeddingOptions());
        _temp.Write("shop/coats/good.png", TestImages.Shape(SkiaSharp.SKColors.White, SkiaSharp.SKColors.Navy, 64, 64, 3, SkiaSharp.SKEncodedImageFormat.Png));
        _temp.Write("shop/coats/broken.jpg", [0xFF, 0xD8, 0xFF, 0x00, 0x01]);
        var coordinator = Open();
        coordinator.EnsureEmbeddingProfile(embedder.Profile);
        var (runId, _) = new QueuedImport(coordinator).Enqueue(new FolderSource(_temp.File("shop")));
        while (await new QueuedImportWorker(Open(), embedder, "w").TryRunOneAsync(CancellationToken.None))
        {
        }

        var run = await new QueuedImport(coordinator).WaitAsync(runId);
        Assert.Equal((1, 1), (run.Counts.Added, run.Counts.Skipped));
        var issue = Assert.Single(coordinator.GetRunIssues(runId));
        Assert.Equal("coats/broken", issue.Item);
    }

    [Fact]
    public void A_SQLite_catalog_says_a_distributed_import_needs_PostgreSQL()
    {
        using var catalog = CatalogDatabase.Open(_temp.File("local.db"));
        var error = Assert.Throws<InvalidOperationException>(() => catalog.StartQueuedRun("x"));
        Assert.Contains("PostgreSQL", error.Message);
    }
}

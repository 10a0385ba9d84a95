using Lookbook.Core.Search;
using Lookbook.Engine.Indexing;
using Lookbook.Engine.Search;
using Lookbook.Engine.Sources;
using Lookbook.Storage;
using Lookbook.Testing;

namespace Lookbook.Engine.Tests;

/// <summary>The HNSW index over real ResNet embeddings of the shipped sample, kept beside the database.</summary>
[Collection(ModelCollection.Name)]
public sealed class ApproximateIndexTests(EmbedderFixture model) : IDisposable
{
    private static readonly IndexSettings Approximate = new() { Kind = IndexKind.Approximate };
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<CatalogDatabase> ImportAsync(int limit, CatalogDatabase? database = null)
    {
        database ??= CatalogDatabase.Open(_folder.File("catalog.db"));
        await new CatalogImporter(database, model.Embedder).ImportAsync(
            new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit), new ImportOptions());
        return database;
    }

    private static float[] Embed(EmbedderFixture model, byte[] image)
    {
        using var prepared = model.Embedder.Preparer.Prepare(image);
        return model.Embedder.Embed([prepared])[0];
    }

    [Fact]
    public async Task Real_embeddings_are_found_with_recall_at_10_of_at_least_097()
    {
        var database = await ImportAsync(3000);
        var approximate = new CatalogSearch(database, model.Embedder, indexSettings: Approximate).Snapshot();
        var exact = new CatalogSearch(database, model.Embedder, indexSettings: new IndexSettings { Kind = IndexKind.Exact }).Snapshot();
        Assert.True(approximate.IsApproximate);
        Assert.False(exact.IsApproximate);

        var queries = new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 300).ReadEntries().Select(e => Embed(model, e.Item!.ImageBytes!)).ToList();
        var recall = queries.Average(q =>
            approximate.Nearest(q, 10).Select(h => h.Key).Intersect(exact.Nearest(q, 10).Select(h => h.Key)).Count() / 10.0);

        Assert.True(recall >= 0.97, $"recall@10 {recall:F3}");
    }

    [Fact]
    public async Task The_saved_index_is_reused_and_only_catches_up_with_what_changed()
    {
        var database = await ImportAsync(400);
        var first = new CatalogSearch(database, model.Embedder, indexSettings: Approximate);
        Assert.Equal(400, first.Snapshot().Count);
        Assert.Equal(new IndexUpdate(true, 400, 0, 400, first.LastIndexUpdate!.Elapsed), first.LastIndexUpdate);
        Assert.True(File.Exists(ApproximateIndexStore.PathFor(database.Path)));

        var unchanged = new CatalogSearch(database, model.Embedder, indexSettings: Approximate);
        unchanged.Snapshot();
        Assert.Equal((false, 0, 0), (unchanged.LastIndexUpdate!.Rebuilt, unchanged.LastIndexUpdate.Added, unchanged.LastIndexUpdate.Removed));

        await ImportAsync(500, database); // 100 new products
        database.DeleteProducts(["fmnist-train-00003", "fmnist-train-00004"]);
        var caughtUp = new CatalogSearch(database, model.Embedder, indexSettings: Approximate);
        var snapshot = caughtUp.Snapshot();

        Assert.Equal((false, 100, 2, 498), (caughtUp.LastIndexUpdate!.Rebuilt, caughtUp.LastIndexUpdate.Added, caughtUp.LastIndexUpdate.Removed, snapshot.Count));
        var newProduct = database.GetVector("fmnist-train-00450")!;
        Assert.Equal("fmnist-train-00450", snapshot.Nearest(newProduct, 1)[0].Key);
        Assert.DoesNotContain(snapshot.Nearest(database.GetVector("fmnist-train-00005")!, 498), h => h.Key is "fmnist-train-00003" or "fmnist-train-00004");
    }

    [Fact]
    public async Task A_damaged_or_foreign_index_is_rebuilt_from_the_database()
    {
        var database = await ImportAsync(200);
        new CatalogSearch(database, model.Embedder, indexSettings: Approximate).Snapshot();
        File.WriteAllBytes(ApproximateIndexStore.PathFor(database.Path), [1, 2, 3]);

        var repaired = new CatalogSearch(database, model.Embedder, indexSettings: Approximate);
        Assert.Equal(200, repaired.Snapshot().Count);
        Assert.True(repaired.LastIndexUpdate!.Rebuilt);

        // Other graph settings make another index: rebuilt, not mixed.
        var other = new CatalogSearch(database, model.Embedder, indexSettings: new IndexSettings { Kind = IndexKind.Approximate, Connectivity = 8 });
        other.Snapshot();
        Assert.True(other.LastIndexUpdate!.Rebuilt);
    }

    [Fact]
    public async Task Auto_uses_the_exact_scan_below_the_threshold_and_the_graph_from_it()
    {
        var database = await ImportAsync(300);

        Assert.Equal("exact", new CatalogSearch(database, model.Embedder, indexSettings: new IndexSettings { ApproximateAbove = 301 }).IndexKindInUse);
        Assert.Equal("approximate (HNSW)", new CatalogSearch(database, model.Embedder, indexSettings: new IndexSettings { ApproximateAbove = 300 }).IndexKindInUse);
    }

    [Fact]
    public async Task Photo_search_with_filters_works_on_the_graph()
    {
        var database = await ImportAsync(1000);
        var search = new CatalogSearch(database, model.Embedder, indexSettings: Approximate);
        var photo = new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 1).ReadEntries().Single().Item!.ImageBytes!;

        var bags = search.SearchByPhoto(photo, new SearchRequest(10, Category: "Bag")).Hits;

        Assert.Equal(10, bags.Count);
        Assert.All(bags, h => Assert.Equal("Bag", h.Product.Category));
    }
}

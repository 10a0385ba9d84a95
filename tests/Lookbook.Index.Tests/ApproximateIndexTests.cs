using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;

namespace Lookbook.Index.Tests;

/// <summary>The HNSW index over real ResNet embeddings of the shipped sample, kept beside the database.</summary>
[Collection(ModelCollection.Name)]
public sealed class ApproximateIndexTests(EmbedderFixture model) : IDisposable
{
    private static readonly IndexOptions Approximate = new() { Kind = IndexKind.Approximate };
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<CatalogDatabase> ImportAsync(int limit, CatalogDatabase? database = null)
    {
        database ??= CatalogDatabase.Open(_folder.File("catalog.db"));
        await new CatalogImporter(database, model.Embedder).ImportAsync(
            new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit), new ImportOptions());
        return database;
    }

    private static IndexSpace SpaceOf(CatalogDatabase database)
    {
        var profile = database.GetEmbeddingProfile()!;
        return new IndexSpace(profile.Fingerprint, profile.Dimension, profile.Dimension);
    }

    private static OpenedIndex Open(CatalogDatabase database, IndexOptions options) => IndexOpener.Open(database, SpaceOf(database), options);

    private static float[] Embed(EmbedderFixture model, byte[] image)
    {
        using var prepared = model.Embedder.Preparer.Prepare(image);
        return model.Embedder.Embed([prepared])[0];
    }

    [Fact]
    public async Task Real_embeddings_are_found_with_recall_at_10_of_at_least_097()
    {
        var database = await ImportAsync(3000);
        using var approximate = Open(database, Approximate).Index;
        using var exact = Open(database, new IndexOptions { Kind = IndexKind.Exact }).Index;
        Assert.IsType<HnswVectorIndex>(approximate.Inner);
        Assert.IsType<ExactVectorIndex>(exact.Inner);

        var queries = new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 300).ReadEntries().Select(e => Embed(model, e.Item!.ImageBytes!)).ToList();
        var recall = queries.Average(q =>
            approximate.Search(q, 10).Select(h => h.Key).Intersect(exact.Search(q, 10).Select(h => h.Key)).Count() / 10.0);

        Assert.True(recall >= 0.97, $"recall@10 {recall:F3}");
    }

    [Fact]
    public async Task Every_product_of_a_small_catalog_is_its_own_nearest_neighbour_however_many_threads_build_it()
    {
        // Concurrent USearch inserts strand nodes (unum-cloud/USearch#735): on 4 threads, 27 of 30 such graphs had a
        // product that did not find itself before small graphs were built on one thread.
        var database = await ImportAsync(500);
        var items = database.ReadVectors().Select(v => (Id: v.ProductId, v.Vector)).ToList();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var graph = HnswVectorIndex.Create(items[0].Vector.Length, new HnswOptions { BuildThreads = 4 });
            graph.UpsertMany(items[..400]);
            graph.UpsertMany(items[400..]);

            Assert.Empty(items.Where(i => graph.Search(i.Vector, 1)[0].Key != i.Id).Select(i => i.Id));
        }
    }

    [Fact]
    public async Task The_saved_index_is_reused_and_only_catches_up_with_what_changed()
    {
        var database = await ImportAsync(400);
        var first = Open(database, Approximate);
        first.Index.Dispose();
        Assert.Equal(new IndexUpdate(true, 400, 0, 400, first.Update.Elapsed), first.Update);
        Assert.True(File.Exists(database.Files.Hnsw));

        var unchanged = Open(database, Approximate);
        unchanged.Index.Dispose();
        Assert.Equal((false, 0, 0), (unchanged.Update.Rebuilt, unchanged.Update.Added, unchanged.Update.Removed));

        await ImportAsync(500, database); // 100 new products
        database.DeleteProducts(["fmnist-train-00003", "fmnist-train-00004"]);
        var caughtUp = Open(database, Approximate);
        using var index = caughtUp.Index;

        Assert.Equal((false, 100, 2, 498), (caughtUp.Update.Rebuilt, caughtUp.Update.Added, caughtUp.Update.Removed, index.Count));
        var newProduct = database.GetVector("fmnist-train-00450")!;
        Assert.Equal("fmnist-train-00450", index.Search(newProduct, 1)[0].Key);
        Assert.DoesNotContain(index.Search(database.GetVector("fmnist-train-00005")!, 498), h => h.Key is "fmnist-train-00003" or "fmnist-train-00004");
    }

    [Fact]
    public async Task A_live_index_catches_up_in_place_and_saves_what_it_caught_up()
    {
        var database = await ImportAsync(300);
        var opened = Open(database, Approximate);
        using var index = opened.Index;

        await ImportAsync(350, database);
        database.DeleteProducts(["fmnist-train-00007"]);
        var (revision, update) = IndexOpener.CatchUp(opened, database, SpaceOf(database), opened.Revision);

        Assert.Equal((false, 50, 1, 349), (update.Rebuilt, update.Added, update.Removed, index.Count));
        Assert.Equal(database.GetEmbeddingRevision(), revision);
        var reopened = Open(database, Approximate); // the saved graph already holds the change
        reopened.Index.Dispose();
        Assert.Equal((false, 0, 0, 349), (reopened.Update.Rebuilt, reopened.Update.Added, reopened.Update.Removed, reopened.Update.Count));
    }

    [Fact]
    public async Task A_damaged_or_foreign_index_is_rebuilt_from_the_database()
    {
        var database = await ImportAsync(200);
        Open(database, Approximate).Index.Dispose();
        File.WriteAllBytes(database.Files.Hnsw, [1, 2, 3]);

        var repaired = Open(database, Approximate);
        repaired.Index.Dispose();
        Assert.Equal(200, repaired.Update.Count);
        Assert.True(repaired.Update.Rebuilt);

        // Other graph settings make another index: rebuilt, not mixed.
        var other = Open(database, new IndexOptions { Kind = IndexKind.Approximate, Connectivity = 8 });
        other.Index.Dispose();
        Assert.True(other.Update.Rebuilt);
    }

    [Fact]
    public async Task Auto_uses_the_exact_scan_below_the_threshold_and_the_graph_from_it()
    {
        var database = await ImportAsync(300);

        using var below = Open(database, new IndexOptions { ApproximateAbove = 301 }).Index;
        using var from = Open(database, new IndexOptions { ApproximateAbove = 300 }).Index;
        Assert.IsType<ExactVectorIndex>(below.Inner);
        Assert.IsType<HnswVectorIndex>(from.Inner);
    }

    [Fact]
    public async Task Filtered_search_on_the_graph_still_returns_k()
    {
        var database = await ImportAsync(1000);
        var categories = database.ReadVectors().ToDictionary(v => v.ProductId, v => v.Category);
        using var index = Open(database, Approximate).Index;
        var photo = Embed(model, new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 1).ReadEntries().Single().Item!.ImageBytes!);

        var bags = index.Search(photo, 10, id => categories[id] == "Bag");

        Assert.Equal(10, bags.Count);
        Assert.All(bags, h => Assert.Equal("Bag", categories[h.Key]));
    }
}

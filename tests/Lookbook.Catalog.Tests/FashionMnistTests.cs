using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Learning;
using Lookbook.Search;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using SkiaSharp;
using Xunit.Abstractions;

namespace Lookbook.Catalog.Tests;

[Collection(ModelCollection.Name)]
public sealed class FashionMnistTests(EmbedderFixture model, ITestOutputHelper output)
{
    private static CatalogDatabase NewDatabase() =>
        CatalogDatabase.Open(Path.Combine(Path.GetTempPath(), "lookbook-tests", Guid.NewGuid().ToString("N"), "catalog.db"));

    [Fact]
    public async Task Idx_images_become_products_with_their_class_and_a_stored_png()
    {
        var database = NewDatabase();
        var result = await new CatalogImporter(database, model.Embedder).ImportAsync(
            new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit: 50), new ImportOptions());

        Assert.Equal(50, result.Counts.Added);
        var first = database.GetProduct("fmnist-train-00000")!;
        Assert.Equal(("Ankle boot #0", "Ankle boot"), (first.Title, first.Category)); // label 9 in the dataset
        var image = database.GetImage("fmnist-train-00000")!;
        Assert.Null(image.Path);
        using var bitmap = SKBitmap.Decode(image.Bytes);
        Assert.Equal((28, 28), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void A_missing_split_names_the_package_that_provides_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new FashionMnistSource("/nonexistent", "train"));
        Assert.Contains("dataset-fashion-mnist", error.Message);
    }

    /// <summary>
    /// The acceptance bar: official test images (never in the catalog) as queries against the shipped
    /// 3,000-image sample must bring back mostly same-category products in their top 10.
    /// </summary>
    [Fact]
    public async Task Test_images_find_mostly_their_own_category_in_the_sample()
    {
        var database = NewDatabase();
        await new CatalogImporter(database, model.Embedder).ImportAsync(new FashionMnistSource(RepositoryPaths.SampleCatalog), new ImportOptions());
        var search = new PhotoSearch(new SearchableCatalogProvider(database), model.Embedder);

        var queries = new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", limit: 300).ReadEntries().Select(e => e.Item!).ToList();
        var precision = queries.Average(q =>
        {
            var hits = search.Search(q.ImageBytes, new SearchRequest(10)).Hits;
            return RetrievalMetrics.PrecisionAtK(hits.Select(h => h.Product.Category).ToList(), q.Category, 10);
        });

        output.WriteLine($"precision@10 over {queries.Count} test queries, 3,000-image sample: {precision:F3}");
        Assert.True(precision > 0.70, $"precision@10 = {precision:F3}");
    }

    [Fact]
    public async Task Changing_the_model_configuration_is_detected_and_reindex_fixes_it()
    {
        var database = NewDatabase();
        await new CatalogImporter(database, model.Embedder).ImportAsync(
            new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit: 40), new ImportOptions());
        using var wider = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = new PreprocessingOptions { InputSize = 96 } });

        var error = await Assert.ThrowsAsync<EmbeddingMismatchException>(() => new CatalogImporter(database, wider).ImportAsync(
            new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", limit: 40), new ImportOptions()));
        Assert.Contains("input=64", error.Message);
        Assert.Contains("input=96", error.Message);
        Assert.Throws<EmbeddingMismatchException>(() => new PhotoSearch(new SearchableCatalogProvider(database), wider).Search(
            File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "bag.png")), new SearchRequest()));

        var reindexed = await new CatalogReindexer(database, wider).ReindexAsync(force: false);

        Assert.Equal(40, reindexed.Embedded);
        Assert.Equal(wider.Profile.Fingerprint, database.GetEmbeddingProfile()!.Fingerprint);
        var hits = new PhotoSearch(new SearchableCatalogProvider(database), wider).Search(File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, "bag.png")), new SearchRequest(3)).Hits;
        Assert.Equal(3, hits.Count);
    }
}

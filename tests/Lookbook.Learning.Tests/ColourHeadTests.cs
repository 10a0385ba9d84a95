using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Evaluation;
using Lookbook.Learning.Localization;
using Lookbook.Search;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Options;

namespace Lookbook.Learning.Tests;

/// <summary>A head trained on a generated catalog of garments in four colours (<see cref="ColourCatalog"/>), shared by the tests that read it.</summary>
public sealed class ColourCatalogFixture : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();

    public CatalogDatabase Database { get; private set; } = null!;

    public TrainedHead Head { get; private set; } = null!;

    public Vision.Embedding.OnnxImageEmbedder Embedder { get; } = new(new Vision.Embedding.EmbeddingOptions());

    public static HeadTrainingRequest Request => new(
        AugmentedCopies: 1, ShopperViews: 1, NoProductExamples: 40, Options: new TrainingOptions(MaxEpochs: 40), Projection: new ProjectionOptions(MaxEpochs: 10));

    public async Task InitializeAsync()
    {
        var csv = ColourCatalog.Write(Temp.File("catalog"), perKindAndColour: 14);
        Database = CatalogDatabase.Open(Temp.File("catalog.db"));
        await new CatalogImporter(Database, Embedder).ImportAsync(new StylesCsvSource(csv), new ImportOptions());
        Head = await new HeadTrainer(Database, Embedder).TrainAsync(Request);
    }

    public Task DisposeAsync()
    {
        Embedder.Dispose();
        Temp.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(ModelCollection.Name)]
public sealed class ColourHeadTests(ColourCatalogFixture catalog)
{
    // Products training never saw: other seeds than the catalog's.
    private static IEnumerable<(string Kind, string Colour, byte[] Photo)> NewProducts(int each) =>
        from kind in ColourCatalog.Kinds
        from colour in ColourCatalog.Colours.Keys
        from i in Enumerable.Range(0, each)
        select (kind, colour, ColourCatalog.Photo(kind, colour, 777_000 + (i * 31) + colour.Length + kind.Length));

    [Fact]
    public void The_colour_head_learns_the_catalogs_colours_and_names_the_colour_of_a_new_product()
    {
        Assert.False(catalog.Head.NegativeCatalog); // product photos on white: shoppers' photos are searched as they are
        var colour = catalog.Head.Colour;

        Assert.NotNull(colour);
        Assert.Equal("baseColour", colour.Attribute);
        Assert.Equal(["Black", "Blue", "Red", "Yellow"], colour.Colours);
        var search = new PhotoSearch(new SearchableCatalogProvider(catalog.Database), catalog.Embedder);
        var results = NewProducts(3).Select(p => (p.Colour, Found: search.Search(p.Photo, new SearchRequest(10)).Colour!)).ToList();
        var right = results.Count(r => r.Found.Colour == r.Colour) / (double)results.Count;
        Assert.True(right >= 0.9, $"colour named right for {right:P0} of {results.Count} new products");
        Assert.True(colour.Metrics!.Accuracy >= 0.8, $"validation accuracy {colour.Metrics.Accuracy:P0}");
    }

    [Fact]
    public void Steering_by_colour_puts_more_products_of_the_photos_colour_first()
    {
        var steered = catalog.Head;
        Assert.True(steered.Colour!.Boost > 0, $"weights tried: {string.Join(", ", steered.Colour.Metrics!.Boosts)}");
        var unsteered = steered with { Colour = steered.Colour with { Boost = 0 } };

        double ColourPrecisionAt10(TrainedHead head)
        {
            var items = catalog.Database.ReadVectors().ToList();
            var index = new Index.ExactVectorIndex(head.SearchDimension, items.Count);
            items.ForEach(item => index.Upsert(item.ProductId, head.ToSearchSpace(item.Vector)));
            using var searchable = new SearchableCatalog(catalog.Database.ReadAllProducts(), index, head: head);
            var photos = NewProducts(2).ToList();
            var located = catalog.Embedder.LocateAll([.. photos.Select(p => p.Photo)], locator: null, describeColour: true);
            return photos.Select((p, i) => PhotoRanking.Run(searchable, PredictedCategoryUse.Boost, located[i]!.Vector, new SearchRequest(10), applyNoMatch: false, located[i]!.Colour)
                .Hits.Count(h => h.Product.Attributes["baseColour"] == p.Colour) / 10.0).Average();
        }

        var withColour = ColourPrecisionAt10(steered);
        var withoutColour = ColourPrecisionAt10(unsteered);
        Assert.True(withColour >= withoutColour + 0.1, $"colour precision@10 of new products: {withColour:F3} with the colour, {withoutColour:F3} without");
    }

    [Fact]
    public void A_colour_filter_returns_only_that_colour()
    {
        var search = new PhotoSearch(new SearchableCatalogProvider(catalog.Database), catalog.Embedder);
        var redSkirt = ColourCatalog.Photo("Skirts", "Red", 4242);

        var blue = search.Search(redSkirt, new SearchRequest(20, Attributes: new Dictionary<string, string> { ["basecolour"] = "blue" }));

        Assert.Equal(20, blue.Hits.Count);
        Assert.All(blue.Hits, h => Assert.Equal("Blue", h.Product.Attributes["baseColour"]));
    }

    [Fact]
    public void The_head_file_keeps_the_colour_head()
    {
        var saved = TrainedHead.Load(catalog.Database.Files.Head)!;
        var colour = catalog.Head.Colour!;
        var probe = catalog.Database.ReadVectors().First().Vector;
        var pixels = CatalogColours.Describe(catalog.Database, catalog.Embedder.Preparer, [catalog.Database.ReadVectors().First().ProductId]).Single().Value;

        Assert.NotNull(saved.Colour);
        Assert.Equal((colour.Attribute, colour.Boost, colour.ConfidenceThreshold), (saved.Colour.Attribute, saved.Colour.Boost, saved.Colour.ConfidenceThreshold));
        Assert.Equal(Vision.Images.ColourDescriptor.Size, saved.Colour.DescriptorSize);
        Assert.Equal(colour.Probabilities(probe, pixels), saved.Colour.Probabilities(probe, pixels));
        Assert.Equal(catalog.Head.CatalogShotProbability(probe), saved.CatalogShotProbability(probe));
        Assert.Equal(colour.BoostFor(catalog.Head.CatalogShotProbability(probe)), saved.Colour.BoostFor(saved.CatalogShotProbability(probe)));
        Assert.Equal(colour.Metrics!.Boosts, saved.Colour.Metrics!.Boosts);
    }

    [Fact]
    public void The_colour_head_reads_the_photos_pixels_and_names_no_colour_without_them()
    {
        var colour = catalog.Head.Colour!;
        var (_, truth, photo) = NewProducts(1).First();
        var located = catalog.Embedder.LocateAll([photo], locator: null, describeColour: true).Single()!;
        using var lease = new SearchableCatalogProvider(catalog.Database).Acquire();

        var withPixels = PhotoRanking.Run(lease.Catalog, PredictedCategoryUse.Boost, located.Vector, new SearchRequest(10), applyNoMatch: false, located.Colour);
        var vectorOnly = PhotoRanking.Run(lease.Catalog, PredictedCategoryUse.Boost, located.Vector, new SearchRequest(10), applyNoMatch: false);

        Assert.Equal(colour.Classifier.InputSize, located.Vector.Length + Vision.Images.ColourDescriptor.Size);
        Assert.Equal(truth, withPixels.Colour!.Colour);
        Assert.Null(vectorOnly.Colour); // a search by vector alone cannot say, and is not steered by a guess
        Assert.Null(colour.Predict(located.Vector, null));
        Assert.Throws<ArgumentException>(() => { colour.Predict(located.Vector, new float[3]); });
    }

    [Fact]
    public void A_head_file_from_before_the_colour_descriptor_loads_and_reads_the_vector_alone()
    {
        using var temp = new TempDirectory();
        var items = catalog.Database.ReadVectors().ToList();
        var colours = catalog.Database.ReadAllProducts().ToDictionary(p => p.Id, p => p.Attributes["baseColour"]);
        var vectorOnly = ColourHeadTrainer.Train(ColourCatalog.Colours.Keys.Order(StringComparer.Ordinal).ToList(),
            [.. items.Select(i => (i.Vector, (string?)colours[i.ProductId]))], [.. items.Take(20).Select(i => (i.Vector, (string?)colours[i.ProductId]))],
            new TrainingOptions(MaxEpochs: 5));
        var head = catalog.Head with { Colour = new ColourHead(vectorOnly.Head, "baseColour", 1, 0.7f) };
        var path = temp.File("old.head.json");
        head.Save(path);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(json["colour"]!.AsObject().Remove("descriptorSize")); // as written before the descriptor
        File.WriteAllText(path, json.ToJsonString());

        var loaded = TrainedHead.Load(path)!;

        Assert.Equal(0, loaded.Colour!.DescriptorSize);
        Assert.Equal(vectorOnly.Head.Predict(items[0].Vector), loaded.Colour.Probabilities(items[0].Vector, null));
        Assert.NotNull(loaded.Colour.Predict(items[0].Vector, null));
    }

    [Fact]
    public void Holdout_evaluation_reports_colour_prediction_next_to_colour_precision()
    {
        var catalogs = new SearchableCatalogProvider(catalog.Database);
        var evaluator = new CatalogEvaluator(catalog.Database, catalog.Embedder, catalogs, new PhotoSearch(catalogs, catalog.Embedder), Options.Create(new SearchOptions()));

        var report = evaluator.EvaluateHoldout(0.2, 42);

        var colour = Assert.Single(report.Facets, f => f.Attribute == "baseColour");
        Assert.Equal("baseColour", report.ColourPrediction!.Attribute);
        Assert.Equal(report.Queries, report.ColourPrediction.Queries);
        Assert.True(report.ColourPrediction.Accuracy >= 0.8, $"held-out colour predicted right: {report.ColourPrediction.Accuracy:P0}");
        Assert.True(colour.PrecisionAtK >= 0.6, $"held-out colour precision@10 {colour.PrecisionAtK:F3}");
        Assert.Contains("predicted right", HtmlReport.Render(report));
    }
}

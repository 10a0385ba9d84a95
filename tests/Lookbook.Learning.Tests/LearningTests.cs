using Lookbook.Catalog;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Evaluation;
using Lookbook.Index;
using Lookbook.Search;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Synthesis;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Lookbook.Learning.Tests;

/// <summary>A head trained on 1,000 sample products, shared by the tests that read it.</summary>
public sealed class TrainedCatalogFixture : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();

    public CatalogDatabase Database { get; private set; } = null!;

    public TrainedHead Head { get; private set; } = null!;

    public Vision.Embedding.OnnxImageEmbedder Embedder { get; } = new(new Vision.Embedding.EmbeddingOptions());

    public static HeadTrainingRequest Request => new(AugmentedCopies: 1, Options: new TrainingOptions(MaxEpochs: 25));

    public async Task InitializeAsync()
    {
        Database = CatalogDatabase.Open(Temp.File("catalog.db"));
        await new CatalogImporter(Database, Embedder).ImportAsync(new FashionMnistSource(RepositoryPaths.SampleCatalog, "train", 1000), new ImportOptions());
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
public sealed class LearningTests(TrainedCatalogFixture catalog)
{
    private static byte[] Query(string name) => File.ReadAllBytes(Path.Combine(RepositoryPaths.Queries, name));

    [Fact]
    public void Training_on_a_small_labelled_sample_beats_chance_clearly_and_is_saved()
    {
        var metrics = catalog.Head.Metrics;

        Assert.True(metrics.ValidationAccuracy > 0.7, $"validation accuracy {metrics.ValidationAccuracy:P1}; chance is 10%");
        Assert.True(metrics.ValidationMacroF1 > 0.65);
        Assert.Equal(11, catalog.Head.Head.Classes.Count); // ten categories and the class of images of no product
        Assert.Contains(MlpHead.NoProduct, catalog.Head.Head.Classes);
        Assert.True(metrics.TrainingExamples > 1500, "originals plus one augmented copy each");
        Assert.InRange(catalog.Head.NoMatchThreshold, 0.3f, 0.999f);
        Assert.True(File.Exists(catalog.Database.Files.Head));
        Assert.Equal(catalog.Embedder.Profile.Fingerprint, catalog.Head.EmbeddingFingerprint);
    }

    [Fact]
    public void Catalog_shots_get_a_category_head_of_their_own_that_names_them()
    {
        var head = catalog.Head;
        var catalogShots = head.CatalogShotCategories;

        Assert.NotNull(catalogShots); // trained beside the category head whenever shopper photos are (they need the shot classifier)
        Assert.Equal(head.Head.Classes.Where(c => c != MlpHead.NoProduct), catalogShots.Classes);
        var shots = catalog.Database.ReadVectors().Take(200).ToList();
        // Catalog shots look like catalog shots, and are named by both heads: the mixed probabilities lie between theirs.
        Assert.True(shots.Average(s => head.CatalogShotProbability(s.Vector)!.Value) > 0.8);
        Assert.All(shots, s =>
        {
            var (mixed, robust, catalogOnly) = (head.Categories.Predict(s.Vector), head.Head.Predict(s.Vector), catalogShots.Predict(s.Vector));
            for (var c = 0; c < catalogOnly.Length; c++)
            {
                Assert.InRange(mixed[c], Math.Min(robust[c], catalogOnly[c] * (1 - robust[^1])) - 1e-5f, Math.Max(robust[c], catalogOnly[c]) + 1e-5f);
            }
        });
        Assert.NotEqual(head.Head.Predict(shots[0].Vector), head.Categories.Predict(shots[0].Vector));
        var loaded = TrainedHead.Load(catalog.Database.Files.Head)!;
        Assert.Equal(head.Categories.Predict(shots[0].Vector), loaded.Categories.Predict(shots[0].Vector));
    }

    [Fact]
    public void A_catalog_without_colours_trains_no_colour_head()
    {
        Assert.Null(catalog.Head.Colour); // Fashion-MNIST products have no baseColour
        Assert.Null(TrainedHead.Load(catalog.Database.Files.Head)!.Colour);
    }

    [Fact]
    public void The_no_good_match_threshold_is_calibrated_on_shopper_photos_and_measured_on_images_of_no_product()
    {
        var m = catalog.Head.Metrics;

        Assert.True(m.ShopperPhotosAccepted >= 0.85, $"shopper photos let through: {m.ShopperPhotosAccepted:P1}");
        Assert.True(m.UnrelatedRejected >= 0.85, $"images of no product turned away: {m.UnrelatedRejected:P1}");
        var saved = TrainedHead.Load(catalog.Database.Files.Head)!;
        Assert.Equal((m.ShopperPhotosAccepted, m.UnrelatedRejected), (saved.Metrics.ShopperPhotosAccepted, saved.Metrics.UnrelatedRejected));
    }

    [Fact]
    public async Task Training_again_with_the_same_seed_gives_the_same_head()
    {
        using var temp = new TempDirectory();
        var copy = catalog.Database.CopyTo(temp.File("copy.db"));

        var again = await new HeadTrainer(copy, catalog.Embedder).TrainAsync(TrainedCatalogFixture.Request);

        float[] probe = catalog.Database.ReadVectors().First().Vector;
        Assert.Equal(catalog.Head.Head.Predict(probe), again.Head.Predict(probe));
        Assert.Equal(catalog.Head.Categories.Predict(probe), again.Categories.Predict(probe));
        Assert.Equal(catalog.Head.Metrics.ValidationAccuracy, again.Metrics.ValidationAccuracy);
    }

    [Fact]
    public void A_photo_search_answers_with_the_predicted_category_and_boosts_it()
    {
        var search = new PhotoSearch(new SearchableCatalogProvider(catalog.Database), catalog.Embedder);

        var result = search.Search(Query("trouser.png"), new SearchRequest(10));

        Assert.Equal("Trouser", result.Prediction!.Category);
        Assert.InRange(result.Prediction.Confidence, 0.5f, 1f);
        Assert.False(result.NoGoodMatch);
        Assert.All(result.Hits, h => Assert.Equal("Trouser", h.Product.Category));
    }

    [Fact]
    public void Restrict_returns_only_the_predicted_category_and_an_explicit_category_overrides_it()
    {
        var restrict = new PhotoSearch(new SearchableCatalogProvider(catalog.Database), catalog.Embedder, Options.Create(new SearchOptions { PredictedCategory = PredictedCategoryUse.Restrict }));

        var restricted = restrict.Search(Query("sandal.png"), new SearchRequest(30));
        Assert.All(restricted.Hits, h => Assert.Equal(restricted.Prediction!.Category, h.Product.Category));

        var overridden = restrict.Search(Query("sandal.png"), new SearchRequest(5, Category: "Bag"));
        Assert.All(overridden.Hits, h => Assert.Equal("Bag", h.Product.Category));
    }

    [Fact]
    public void A_photo_unlike_the_catalog_gets_no_good_match_instead_of_noise()
    {
        var search = new PhotoSearch(new SearchableCatalogProvider(catalog.Database), catalog.Embedder);
        var greenSquare = TestImages.Solid(SKColors.Green, 64, 64);

        var result = search.Search(greenSquare, new SearchRequest(10));

        Assert.True(result.NoGoodMatch, $"best similarity {result.BestSimilarity} vs threshold {catalog.Head.NoMatchThreshold}");
        Assert.Empty(result.Hits);
    }

    [Fact]
    public void A_head_trained_for_another_model_is_ignored()
    {
        using var temp = new TempDirectory();
        catalog.Database.CopyTo(temp.File("copy.db"));
        var stale = catalog.Head with { EmbeddingFingerprint = "0000000000000000" };
        stale.Save(new CatalogFiles(temp.File("copy.db")).Head);

        var result = new PhotoSearch(new SearchableCatalogProvider(CatalogDatabase.Open(temp.File("copy.db"))), catalog.Embedder).Search(Query("bag.png"), new SearchRequest(3));

        Assert.Null(result.Prediction);
        Assert.Equal(3, result.Hits.Count);
    }

    [Fact]
    public void Evaluation_on_official_test_images_reports_classification_and_retrieval()
    {
        var catalogs = new SearchableCatalogProvider(catalog.Database);
        var evaluator = new CatalogEvaluator(catalog.Database, catalog.Embedder, catalogs, new PhotoSearch(catalogs, catalog.Embedder), Options.Create(new SearchOptions()));

        var report = evaluator.EvaluateQueries(new FashionMnistSource(RepositoryPaths.SampleCatalog, "test", 200));

        Assert.Equal(200, report.Queries);
        Assert.Equal(1000, report.GallerySize);
        Assert.True(report.Classification!.Accuracy > 0.7);
        Assert.Equal([1, 5, 10, 20], report.Retrieval.Select(r => r.K));
        var at10 = report.Retrieval.Single(r => r.K == 10);
        Assert.InRange(at10.MapAtK, 0.6, 1.0);
        Assert.InRange(at10.RecallAtK, 0.001, 0.2); // ~100 relevant per class: 10 found at most
        Assert.True(report.Timings.EmbedMsPerQuery > 0);

        var html = HtmlReport.Render(report);
        Assert.Contains("Confusion matrix", html);
        Assert.Equal(3, html.Split("data:image/png;base64,").Length - 1);
    }

    [Fact]
    public void Holdout_evaluation_trains_its_own_head_and_leaves_the_saved_one_alone()
    {
        var before = File.GetLastWriteTimeUtc(catalog.Database.Files.Head);
        var catalogs = new SearchableCatalogProvider(catalog.Database);
        var evaluator = new CatalogEvaluator(catalog.Database, catalog.Embedder, catalogs, new PhotoSearch(catalogs, catalog.Embedder), Options.Create(new SearchOptions()));

        var report = evaluator.EvaluateHoldout(0.2, 42);

        Assert.InRange(report.Queries, 190, 210); // 20% of each category, rounded per category
        Assert.Equal(1000 - report.Queries, report.GallerySize);
        Assert.True(report.Classification!.Accuracy > 0.6);
        Assert.Equal(before, File.GetLastWriteTimeUtc(catalog.Database.Files.Head));
    }
}

[Collection(ModelCollection.Name)]
public sealed class ShopperPhotoEvaluationTests(TrainedCatalogFixture catalog)
{
    [Fact]
    public void Shopper_photos_of_catalog_products_and_images_of_no_product_are_measured_reproducibly()
    {
        var catalogs = new SearchableCatalogProvider(catalog.Database);
        var evaluator = new ShopperPhotoEvaluator(catalog.Database, catalog.Embedder, catalogs, new PhotoSearch(catalogs, catalog.Embedder));

        var report = evaluator.Evaluate(products: 30, unrelated: 20, seed: 5);
        var again = evaluator.Evaluate(products: 30, unrelated: 20, seed: 5);

        Assert.Equal(["Mild", "Medium", "Strong", "Medium, other parameters"], report.Strengths.Select(s => s.Name));
        Assert.All(report.Strengths, s =>
        {
            Assert.Equal(30, s.Photos);
            Assert.InRange(s.RecallAt1, 0, s.RecallAt10);
            Assert.InRange(s.MrrAt10, s.RecallAt1, s.RecallAt10);
            Assert.InRange(s.CategoryPrecisionAt10, 0, 1);
            Assert.InRange(s.NoGoodMatchRate, 0, 1);
        });
        Assert.NotNull(report.UnrelatedNoGoodMatchRate); // the fixture's catalog has a head, so a threshold
        Assert.Equal(report.Strengths, again.Strengths);
        Assert.Equal(report.UnrelatedNoGoodMatchRate, again.UnrelatedNoGoodMatchRate);
    }
}

[Collection(ModelCollection.Name)]
public sealed class ShopperProjectionTests(TrainedCatalogFixture catalog)
{
    [Fact]
    public void The_learned_projection_finds_a_product_from_new_shopper_photos_better_than_the_raw_vectors()
    {
        var head = catalog.Head;
        Assert.NotNull(head.Projection);
        var items = catalog.Database.ReadVectors().ToList();
        var random = new Random(11);
        var sample = items.OrderBy(_ => random.Next()).Take(60).ToList();
        // Another seed than training's: photos the projection never saw.
        var photos = sample.Select((item, i) => ShopperPhotoSynthesizer.Photo(catalog.Database.ReadImageBytes(item.ProductId)!, ShopperPhotoStrength.Medium, 9000 + i)).ToList();
        var vectors = catalog.Embedder.EmbedPhotos(photos);

        double RecallAt10(Func<float[], float[]> map)
        {
            var index = new ExactVectorIndex(map(items[0].Vector).Length, items.Count);
            items.ForEach(item => index.Upsert(item.ProductId, map(item.Vector)));
            return sample.Select((item, i) => index.Search(map(vectors[i]), 10).Any(h => h.Key == item.ProductId)).Average(found => found ? 1.0 : 0.0);
        }

        var raw = RecallAt10(v => v);
        var projected = RecallAt10(v => head.Projection!.Apply(v));
        Assert.True(projected >= raw + 0.3, $"recall@10 of 60 new shopper photos among 1,000 products: projected {projected:F3}, raw {raw:F3}");
        var spaces = head.Metrics.Spaces!;
        Assert.True(spaces.Where(s => s.Space == RetrievalSpace.Projected).Max(s => s.ShopperMrrAt10) > spaces[0].ShopperMrrAt10, $"validation: {string.Join(", ", spaces)}");
        Assert.Equal(spaces[HeadTrainer.ChooseSpace(spaces)].Space, head.RetrievalSpace);
    }
}

[Collection(ModelCollection.Name)]
public sealed class PersonalizationEvaluationTests(TrainedCatalogFixture catalog)
{
    [Fact]
    public void Simulated_shoppers_are_served_far_better_than_by_popularity_and_lambda_trades_relevance_for_variety()
    {
        var report = new PersonalizationEvaluator(new SearchableCatalogProvider(catalog.Database)).Evaluate(users: 120, seed: 3);

        var lookbook = report.Results[0];
        var popular = report.Results.Single(r => r.Name == "most popular");
        var random = report.Results.Single(r => r.Name == "random");
        Assert.True(lookbook.HitRateAt10 >= 2 * popular.HitRateAt10 && lookbook.HitRateAt10 > random.HitRateAt10 && lookbook.HitRateAt10 > 0.05,
            $"hit-rate@10 {lookbook.HitRateAt10:F3} vs popular {popular.HitRateAt10:F3}, random {random.HitRateAt10:F3}");
        var relevanceOnly = report.DiversitySweep[0];
        var mostVaried = report.DiversitySweep[^1];
        Assert.True(mostVaried.IntraListDiversity > relevanceOnly.IntraListDiversity);
        Assert.True(mostVaried.HitRateAt10 <= relevanceOnly.HitRateAt10);
    }
}

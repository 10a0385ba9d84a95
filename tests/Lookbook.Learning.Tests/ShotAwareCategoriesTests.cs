namespace Lookbook.Learning.Tests;

/// <summary>
/// A photo is named by the category head, and the more it looks like a catalog shot, by its average with the head learned
/// from catalog shots alone; the probability that it shows no product stays the category head's (<see cref="ShotAwareCategories"/>).
/// </summary>
public sealed class ShotAwareCategoriesTests
{
    private const int Size = 8;
    private static readonly string[] Products = ["Coat", "Shirt", "Bag"];
    private static readonly float[] Probe = [.. Enumerable.Range(0, Size).Select(i => i / 10f)];

    // The robust head thinks Shirt, with a tenth on "no product"; the catalog-shot head thinks Coat.
    private static readonly MlpHead Robust = Fixed([.. Products, MlpHead.NoProduct], [0.2f, 0.6f, 0.1f, 0.1f]);
    private static readonly MlpHead CatalogOnly = Fixed(Products, [0.7f, 0.2f, 0.1f]);

    [Fact]
    public void A_catalog_shot_is_named_by_both_heads_averaged_and_keeps_the_no_product_probability()
    {
        var categories = new ShotAwareCategories(Robust, CatalogOnly, Shots(1f));

        var p = categories.Predict(Probe);

        // Half the category head's, half the catalog-shot head's scaled to what the category head leaves to products (0.9).
        Assert.Equal([0.415f, 0.39f, 0.095f, 0.1f], p, (a, b) => MathF.Abs(a - b) < 1e-4f);
        Assert.Equal(("Coat", 0.1f), (categories.ClassifyProduct(Probe).Class, categories.ClassifyProduct(Probe).NoProductProbability), new ApproximateComparer());
    }

    [Fact]
    public void A_phone_photo_is_named_by_the_category_head_and_in_between_they_are_mixed()
    {
        Assert.Equal(Robust.Predict(Probe), new ShotAwareCategories(Robust, CatalogOnly, Shots(0f)).Predict(Probe), (a, b) => MathF.Abs(a - b) < 1e-4f);

        var half = new ShotAwareCategories(Robust, CatalogOnly, Shots(0.5f)).Predict(Probe);
        Assert.Equal([0.3075f, 0.495f, 0.0975f, 0.1f], half, (a, b) => MathF.Abs(a - b) < 1e-4f);
        Assert.Equal(1f, half.Sum(), 4);
    }

    [Fact]
    public void Without_a_catalog_shot_head_or_a_shot_classifier_the_category_head_names_every_photo()
    {
        Assert.Equal(Robust.Predict(Probe), new ShotAwareCategories(Robust, null, Shots(1f)).Predict(Probe));
        Assert.Equal(Robust.Predict(Probe), new ShotAwareCategories(Robust, CatalogOnly, null).Predict(Probe));
        Assert.Equal(Robust.Predict(Probe), new ShotAwareCategories(Robust, CatalogOnly, Shots(1f)).Predict(Probe, catalogShotProbability: null));
    }

    [Fact]
    public void A_catalog_shot_head_naming_other_categories_is_refused()
    {
        var other = Fixed(["Coat", "Bag", "Shirt"], [0.7f, 0.2f, 0.1f]);

        Assert.Throws<ArgumentException>(() => new ShotAwareCategories(Robust, other, Shots(1f)));
        Assert.False(ShotAwareCategories.Fits(Robust, other));
        Assert.True(ShotAwareCategories.Fits(Robust, CatalogOnly));
    }

    [Fact]
    public void The_catalog_shot_head_is_saved_with_the_head_and_a_file_whose_head_names_other_categories_is_damaged()
    {
        var folder = Directory.CreateTempSubdirectory("lookbook-shot-aware-");
        try
        {
            var path = Path.Combine(folder.FullName, "head.json");
            var head = new TrainedHead(Robust, "test", RetrievalSpace.Raw, 0.1f, 0, new HeadMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0), new TrainingOptions(), DateTimeOffset.UnixEpoch)
            {
                Shots = Shots(0.8f),
                CatalogShotCategories = CatalogOnly,
            };
            head.Save(path);

            var loaded = TrainedHead.Load(path)!;
            Assert.Equal(head.Categories.Predict(Probe), loaded.Categories.Predict(Probe));
            Assert.NotEqual(Robust.Predict(Probe), loaded.Categories.Predict(Probe));

            File.WriteAllText(path, File.ReadAllText(path).Replace("\"catalogShotCategories\":{\"classes\":[\"Coat\",\"Shirt\"", "\"catalogShotCategories\":{\"classes\":[\"Shirt\",\"Coat\"", StringComparison.Ordinal));
            var error = Assert.Throws<InvalidDataException>(() => TrainedHead.Load(path));
            Assert.Contains("catalog-shot category head", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A head that gives <paramref name="probabilities"/> whatever the input.</summary>
    private static MlpHead Fixed(string[] classes, float[] probabilities)
    {
        const int hidden = 4;
        return new MlpHead(classes, Size, hidden, new float[Size], [.. Enumerable.Repeat(1f, Size)], new float[hidden * Size], new float[hidden],
            new float[classes.Length * hidden], [.. probabilities.Select(p => MathF.Log(p))]);
    }

    private static MlpHead Shots(float catalogShot) => Fixed([ColourHead.CatalogShotClass, ColourHead.ShopperPhotoClass], [catalogShot, 1 - catalogShot]);

    private sealed class ApproximateComparer : IEqualityComparer<(string, float)>
    {
        public bool Equals((string, float) x, (string, float) y) => x.Item1 == y.Item1 && MathF.Abs(x.Item2 - y.Item2) < 1e-4f;

        public int GetHashCode((string, float) obj) => obj.Item1.GetHashCode(StringComparison.Ordinal);
    }
}

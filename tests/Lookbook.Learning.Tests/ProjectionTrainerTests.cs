using Lookbook.Index;

namespace Lookbook.Learning.Tests;

/// <summary>
/// The shopper-photo projection on vectors made to behave like the backbone's: a product's "shopper photo" is its
/// catalog vector buried under a strong component shared by all photos of a kind (the background) and noise.
/// </summary>
public sealed class ProjectionTrainerTests
{
    private const int Dimension = 32;
    private const int Products = 300;

    [Fact]
    public void Training_learns_to_find_the_product_behind_the_background_on_photos_it_never_saw()
    {
        var (catalog, train) = World(seed: 1);
        var (_, unseen) = World(seed: 1, photoSeed: 99); // the same products, photographed again

        var result = ProjectionTrainer.Train(Pairs(catalog, train), new ProjectionOptions(HiddenSize: 64, MaxEpochs: 30, BatchSize: 64, LearningRate: 1e-2f),
            p => RecallAt1(catalog, train, v => p.Apply(v)));

        var before = RecallAt1(catalog, unseen, v => v);
        var after = RecallAt1(catalog, unseen, v => result.Projection.Apply(v));
        Assert.True(before < 0.35, $"raw recall@1 {before:F3}: the test's backgrounds should hide the products");
        Assert.True(after > 0.9, $"projected recall@1 {after:F3} (raw {before:F3})");
        Assert.True(result.BestScore > result.InitialScore);
        Assert.InRange(result.BestEpoch, 1, 30);
    }

    [Fact]
    public void The_same_seed_gives_the_same_projection_and_a_projection_is_a_pure_function()
    {
        var (catalog, photos) = World(seed: 2);
        var options = new ProjectionOptions(HiddenSize: 16, MaxEpochs: 3, BatchSize: 50);

        // Each epoch "scores" better than the last, so the last one is kept.
        ShopperProjection Train(ProjectionOptions o)
        {
            var epoch = 0;
            return ProjectionTrainer.Train(Pairs(catalog, photos), o, _ => epoch++).Projection;
        }

        var first = Train(options);
        var second = Train(options);
        var third = Train(options with { Seed = 7 });

        Assert.Equal(first.Apply(catalog[0]), second.Apply(catalog[0]));
        Assert.Equal(first.Apply(catalog[0]), first.Apply(catalog[0]));
        Assert.NotEqual(first.Apply(catalog[0]), third.Apply(catalog[0]));
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch_and_never_a_worse_map_than_the_identity()
    {
        var (catalog, photos) = World(seed: 3);
        var scores = new Queue<double>([0.5, 0.6, 0.9, 0.7, 0.2, 0.1, 0.1]);

        var result = ProjectionTrainer.Train(Pairs(catalog, photos), new ProjectionOptions(HiddenSize: 8, MaxEpochs: 20, Patience: 3), _ => scores.Dequeue());

        Assert.Equal(2, result.BestEpoch);
        Assert.Equal(0.9, result.BestScore);
        Assert.Equal(6, result.Scores.Count); // the identity, then epochs 1–5: three epochs without a better score end it

        var nothingHelps = ProjectionTrainer.Train(Pairs(catalog, photos), new ProjectionOptions(HiddenSize: 8, MaxEpochs: 4, Patience: 2), _ => 0);
        Assert.Equal(0, nothingHelps.BestEpoch);
        Assert.Equal(catalog[5].Select(x => x / Norm(catalog[5])), nothingHelps.Projection.Apply(catalog[5]), new Tolerance(1e-6f));
    }

    [Fact]
    public void Bad_options_and_data_are_refused()
    {
        var (catalog, photos) = World(seed: 4);

        Assert.Contains("Temperature", Assert.Throws<ArgumentException>(() =>
            ProjectionTrainer.Train(Pairs(catalog, photos), new ProjectionOptions(Temperature: 0), _ => 0)).Message);
        Assert.Contains("two products", Assert.Throws<ArgumentException>(() =>
            ProjectionTrainer.Train([new ProjectionPair(0, catalog[0], photos[0])], new ProjectionOptions(), _ => 0)).Message);
        Assert.Throws<ArgumentException>(() => ShopperProjection.Identity(4, 2, 1).Apply(new float[5]));
    }

    [Fact]
    public void The_space_search_uses_is_the_projection_only_when_it_finds_shopper_photos_better_without_losing_category_precision()
    {
        SpaceScore Score(RetrievalSpace space, double map, double? mrr) => new(space.ToString(), space, 0, map, mrr);
        List<SpaceScore> spaces = [Score(RetrievalSpace.Raw, 0.80, 0.05), Score(RetrievalSpace.Hidden, 0.85, 0.04), Score(RetrievalSpace.Projected, 0.845, 0.6), Score(RetrievalSpace.Projected, 0.80, 0.7)];

        Assert.Equal(2, HeadTrainer.ChooseSpace(spaces)); // the last finds more, but loses too much category precision
        Assert.Equal(1, HeadTrainer.ChooseSpace([.. spaces.Select(s => s with { ShopperMrrAt10 = null })]));
        Assert.Equal(1, HeadTrainer.ChooseSpace([spaces[0], spaces[1], spaces[3]]));
        Assert.Equal(1, HeadTrainer.ChooseSpace([spaces[0], spaces[1], spaces[2] with { ShopperMrrAt10 = 0.03 }]));

        // A projection that finds shoppers' products far more often may give up a little more (the real catalog's choice).
        List<SpaceScore> real = [Score(RetrievalSpace.Raw, 0.874, 0.055), Score(RetrievalSpace.Hidden, 0.861, 0.496), Score(RetrievalSpace.Projected, 0.845, 0.860), Score(RetrievalSpace.Projected, 0.862, 0.841)];
        Assert.Equal(3, HeadTrainer.ChooseSpace(real));
        Assert.Equal(1, HeadTrainer.ChooseSpace([real[0], real[1], real[3] with { CategoryMapAt10 = 0.855 }])); // 0.019 is too much: the hidden layer (0.013 for +0.44) instead
        // Fashion-MNIST's: a small gain buys nothing beyond the flat tolerance.
        List<SpaceScore> fashion = [Score(RetrievalSpace.Raw, 0.920, 0.003), Score(RetrievalSpace.Hidden, 0.913, 0.004), Score(RetrievalSpace.Projected, 0.907, 0.158), Score(RetrievalSpace.Projected, 0.913, 0.145)];
        Assert.Equal(3, HeadTrainer.ChooseSpace(fashion));
    }

    [Fact]
    public void The_category_boost_balances_browsing_the_category_and_finding_the_product()
    {
        // The real catalog's figures: a strong boost wins the category, loses the product.
        Assert.Equal(0.05f, HeadTrainer.ChooseBoost([(0.1f, 0.852, 0.595), (0.05f, 0.836, 0.636), (0f, 0.695, 0.664)]));
        Assert.Equal(0.1f, HeadTrainer.ChooseBoost([(0.1f, 0.852, 0.60), (0.05f, 0.80, 0.61)]));
        Assert.Equal(0.1f, HeadTrainer.ChooseBoost([(0f, 0.7, null), (0.1f, 0.85, null)]));
    }

    [Fact]
    public void A_blend_with_the_raw_vectors_adds_their_similarity_with_its_weight()
    {
        var (catalog, photos) = World(seed: 5);
        var epoch = 0;
        var projection = ProjectionTrainer.Train(Pairs(catalog, photos), new ProjectionOptions(HiddenSize: 8, MaxEpochs: 2), _ => epoch++).Projection;
        var blended = projection.WithRawWeight(0.25f);

        var (a, b) = (catalog[0], photos[0]);
        var expected = (0.25 * Dot(Unit(a), Unit(b))) + (0.75 * Dot(projection.Apply(a), projection.Apply(b)));
        Assert.Equal(expected, Dot(blended.Apply(a), blended.Apply(b)), 5);
        Assert.Equal(2 * Dimension, blended.OutputSize);
        Assert.Equal(1.0, Dot(blended.Apply(a), blended.Apply(a)), 5);
        Assert.Throws<ArgumentException>(() => projection.WithRawWeight(1f));
    }

    private static double Dot(float[] x, float[] y) => x.Zip(y, (p, q) => (double)p * q).Sum();

    private sealed class Tolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(float obj) => 0;
    }

    private static float Norm(float[] v) => MathF.Sqrt(v.Sum(x => x * x));

    private static List<ProjectionPair> Pairs(float[][] catalog, float[][] photos) =>
        [.. catalog.Select((c, i) => new ProjectionPair(i, c, photos[i]))];

    /// <summary>Catalog vectors, and one photo of each: the product plus one of four strong "backgrounds" plus noise.</summary>
    private static (float[][] Catalog, float[][] Photos) World(int seed, int? photoSeed = null)
    {
        var random = new Random(seed);
        var catalog = Enumerable.Range(0, Products).Select(_ => Unit(Gaussian(random, Dimension))).ToArray();
        var backgrounds = Enumerable.Range(0, 4).Select(_ => Unit(Gaussian(random, Dimension)).Select(x => x * 2.5f).ToArray()).ToArray();
        var photoRandom = new Random(photoSeed ?? seed + 1000);
        var photos = catalog.Select(c =>
        {
            var background = backgrounds[photoRandom.Next(backgrounds.Length)];
            var noise = Gaussian(photoRandom, Dimension);
            return Unit([.. c.Select((x, d) => x + background[d] + (0.1f * noise[d]))]);
        }).ToArray();
        return (catalog, photos);
    }

    private static double RecallAt1(float[][] catalog, float[][] photos, Func<float[], float[]> map)
    {
        var index = new ExactVectorIndex(Dimension, catalog.Length);
        for (var i = 0; i < catalog.Length; i++)
        {
            index.Upsert(i.ToString(System.Globalization.CultureInfo.InvariantCulture), map(catalog[i]));
        }

        return photos.Select((p, i) => index.Search(map(p), 1)[0].Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Average(hit => hit ? 1.0 : 0.0);
    }

    private static float[] Gaussian(Random random, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];

    private static float[] Unit(float[] v)
    {
        var norm = Norm(v);
        return [.. v.Select(x => x / norm)];
    }
}

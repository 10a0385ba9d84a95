using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Lookbook.Index;

namespace Lookbook.Learning.Tests;

/// <summary>
/// A catalog stored as a blend of the shopper projection and the raw vectors is searched per photo: a catalog-like shot by
/// the raw similarity, a phone photo by the stored blend (<see cref="TrainedHead.ToQuerySpace(float[])"/>).
/// </summary>
public sealed class QuerySpaceTests
{
    private const int Size = 16;

    [Theory]
    [InlineData(0.25f, 1f)]
    [InlineData(0.5f, 0.5f)]
    [InlineData(0.75f, 0.75f)]
    [InlineData(0.75f, 0.1f)]
    public void A_reweighted_query_scores_the_asked_blend_of_the_raw_and_projected_similarities(float stored, float asked)
    {
        var projection = Projection(seed: 1).WithRawWeight(stored);
        var random = new Random(2);
        var photo = Vector(random);
        var product = Vector(random);

        var score = Dot(projection.ApplyReweighted(photo, asked), projection.Apply(product));

        var raw = Cosine(photo, product);
        var projected = Dot(projection.WithRawWeight(0).Apply(photo), projection.WithRawWeight(0).Apply(product));
        Assert.Equal((asked * raw) + ((1 - asked) * projected), score, 4);
    }

    [Fact]
    public void A_catalog_shot_is_compared_by_the_raw_vectors_and_a_phone_photo_by_the_stored_blend()
    {
        var projection = Projection(seed: 3).WithRawWeight(0.5f);
        var random = new Random(4);
        var products = Enumerable.Range(0, 200).Select(_ => Vector(random)).ToList();
        var photo = Vector(random);

        var catalogShot = Head(projection, shotProbability: 1f);
        var phonePhoto = Head(projection, shotProbability: 0f);

        Assert.Equal(Ranking(products, p => Cosine(photo, p)), Ranking(products, p => Dot(catalogShot.ToQuerySpace(photo), catalogShot.ToSearchSpace(p))));
        Assert.Equal(Ranking(products, p => Dot(projection.Apply(photo), projection.Apply(p))),
            Ranking(products, p => Dot(phonePhoto.ToQuerySpace(photo), phonePhoto.ToSearchSpace(p))));
        Assert.NotEqual(Ranking(products, p => Cosine(photo, p)), Ranking(products, p => Dot(projection.Apply(photo), projection.Apply(p))));
    }

    [Fact]
    public void The_category_boost_moves_to_the_catalog_shots_one_as_far_as_a_photo_looks_like_one()
    {
        var projection = Projection(seed: 9).WithRawWeight(0.5f);

        Assert.Equal(0.2f, Head(projection, shotProbability: 1f).CategoryBoostFor(1f), 5);
        Assert.Equal(0.05f, Head(projection, shotProbability: 0f).CategoryBoostFor(0f), 5);
        Assert.Equal(0.125f, Head(projection, shotProbability: 0.5f).CategoryBoostFor(0.5f), 5);
        Assert.Equal(0.05f, Head(projection, shotProbability: null).CategoryBoostFor(null), 5);
        Assert.Equal(0.05f, (Head(projection, shotProbability: 1f) with { CatalogShotCategoryBoost = null }).CategoryBoostFor(1f), 5);
    }

    [Fact]
    public void A_head_that_chose_no_other_weight_for_catalog_shots_queries_with_the_stored_blend()
    {
        var projection = Projection(seed: 10).WithRawWeight(0.5f);
        var head = Head(projection, shotProbability: 1f) with { CatalogShotRawWeight = null };
        var photo = Vector(new Random(11));

        Assert.Equal(head.ToSearchSpace(photo), head.ToQuerySpace(photo));
    }

    [Fact]
    public void Catalog_shots_get_the_best_category_score_that_costs_little_colour()
    {
        var projection = Projection(seed: 12).WithRawWeight(0.5f);
        var shots = Constant([ColourHead.CatalogShotClass, ColourHead.ShopperPhotoClass], 1f);
        var probe = Vector(new Random(13));

        // The score tells the pairs apart by the query vector (raw weight) and the boost the probe gets.
        (double, double?) Score(Func<float[], float[]> query, Func<float[], float> boostFor, double rawCategory, double rawColour)
        {
            var isRaw = query(probe).AsSpan(Size).ToArray().All(x => MathF.Abs(x) < 1e-4f); // no projected half left
            var boost = boostFor(probe);
            return isRaw ? (rawCategory + boost, rawColour) : (0.80 + boost, 0.630);
        }

        // Raw comparison gains category but costs 0.02 of colour: only the strongest boost is taken.
        var strongest = HeadTrainer.CatalogShotBoosts.Max();
        var costly = HeadTrainer.ChooseCatalogShotSteering(v => projection.Apply(v), projection, shots, 0.05f, (q, b) => Score(q, b, 0.85, 0.610), progress: null);
        Assert.Equal((null, strongest), (costly.RawWeight, costly.CategoryBoost));

        // At 0.002 of colour the raw comparison is worth it.
        var cheap = HeadTrainer.ChooseCatalogShotSteering(v => projection.Apply(v), projection, shots, 0.05f, (q, b) => Score(q, b, 0.85, 0.628), progress: null);
        Assert.Equal((1f, strongest), (cheap.RawWeight, cheap.CategoryBoost));

        // Nothing better than every photo's blend and boost: nothing changes.
        var none = HeadTrainer.ChooseCatalogShotSteering(v => projection.Apply(v), projection, shots, 0.05f, (q, b) => (0.9 - b(probe), (double?)null), progress: null);
        Assert.Equal((null, null), (none.RawWeight, none.CategoryBoost));
    }

    [Fact]
    public void Without_a_shot_classifier_or_a_raw_half_a_query_is_a_stored_vector()
    {
        var random = new Random(5);
        var photo = Vector(random);
        var blended = Head(Projection(seed: 6).WithRawWeight(0.5f), shotProbability: null);
        var projectedAlone = Head(Projection(seed: 6), shotProbability: 1f);

        Assert.Equal(blended.ToSearchSpace(photo), blended.ToQuerySpace(photo));
        Assert.Equal(projectedAlone.ToSearchSpace(photo), projectedAlone.ToQuerySpace(photo));
    }

    [Fact]
    public void The_head_file_keeps_the_shot_classifier_and_reads_it_where_older_files_kept_it()
    {
        var head = Head(Projection(seed: 7).WithRawWeight(0.75f), shotProbability: 0.8f);
        var folder = Directory.CreateTempSubdirectory("lookbook-head-");
        try
        {
            var path = Path.Combine(folder.FullName, "head.json");
            head.Save(path);
            var probe = Vector(new Random(8));
            var loaded = TrainedHead.Load(path)!;
            Assert.Equal(head.ToQuerySpace(probe), loaded.ToQuerySpace(probe));
            Assert.Equal((1f, 0.2f), (loaded.CatalogShotRawWeight, loaded.CatalogShotCategoryBoost));

            // Before every head had one, it lived in the colour head: move it there as those files had it.
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var shots = json["shots"]!.DeepClone();
            json.Remove("shots");
            json["colour"] = new JsonObject
            {
                ["classifier"] = shots.DeepClone(),
                ["attribute"] = "baseColour",
                ["boost"] = 1,
                ["confidenceThreshold"] = null,
                ["shots"] = shots,
            };
            File.WriteAllText(path, json.ToJsonString());
            var old = TrainedHead.Load(path)!;
            Assert.Equal(head.CatalogShotProbability(probe), old.CatalogShotProbability(probe));
            Assert.Equal(head.ToQuerySpace(probe), old.ToQuerySpace(probe));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static TrainedHead Head(ShopperProjection projection, float? shotProbability)
    {
        var categories = Constant(["a", "b"], 0.5f);
        return new TrainedHead(categories, "test", RetrievalSpace.Projected, 0.05f, 0, new HeadMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0), new TrainingOptions(), DateTimeOffset.UnixEpoch)
        {
            Projection = projection,
            Shots = shotProbability is { } p ? Constant([ColourHead.CatalogShotClass, ColourHead.ShopperPhotoClass], p) : null,
            CatalogShotRawWeight = 1f,
            CatalogShotCategoryBoost = 0.2f,
        };
    }

    /// <summary>An MLP that gives its first class probability <paramref name="first"/> whatever the input.</summary>
    private static MlpHead Constant(string[] classes, float first)
    {
        const int hidden = 4;
        var logit = MathF.Log(Math.Clamp(first, 1e-6f, 1 - 1e-6f) / (1 - Math.Clamp(first, 1e-6f, 1 - 1e-6f)));
        return new MlpHead(classes, Size, hidden, new float[Size], [.. Enumerable.Repeat(1f, Size)], new float[hidden * Size], new float[hidden],
            new float[classes.Length * hidden], [logit, 0]);
    }

    private static ShopperProjection Projection(int seed)
    {
        var random = new Random(seed);
        var identity = ShopperProjection.Identity(Size, 8, seed);
        var linear = Enumerable.Range(0, Size * Size).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        var output = Enumerable.Range(0, Size * 8).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        return new ShopperProjection(Size, 8, linear, identity.HiddenWeights, identity.HiddenBias, output);
    }

    private static float[] Vector(Random random)
    {
        var vector = Enumerable.Range(0, Size).Select(_ => (random.NextSingle() * 2) - 1).ToArray();
        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    private static float Dot(float[] a, float[] b) => TensorPrimitives.Dot<float>(a, b);

    private static float Cosine(float[] a, float[] b) => Dot(a, b) / MathF.Sqrt(Dot(a, a) * Dot(b, b));

    private static List<int> Ranking(List<float[]> products, Func<float[], float> score) =>
        [.. products.Select((p, i) => (Score: score(p), Index: i)).OrderByDescending(x => x.Score).Take(10).Select(x => x.Index)];
}

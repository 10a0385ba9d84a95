using Lookbook.Testing;

namespace Lookbook.Index.Tests;

public sealed class HnswVectorIndexTests
{
    private const int Dimension = 32;

    /// <summary>
    /// Unit vectors in 12 clusters, each spread along 4 directions of its own: like image embeddings, the data has
    /// a low intrinsic dimension (uniformly random vectors have none, and no HNSW finds their neighbours well).
    /// </summary>
    private static List<(string Id, float[] Vector)> Clustered(int count)
    {
        var random = new Random(7);
        float[] RandomVector() => Enumerable.Range(0, Dimension).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var clusters = Enumerable.Range(0, 12).Select(_ => (Centre: RandomVector(), Directions: Enumerable.Range(0, 4).Select(_ => RandomVector()).ToArray())).ToList();
        return Enumerable.Range(0, count)
            .Select(i =>
            {
                var (centre, directions) = clusters[i % clusters.Count];
                var vector = (float[])centre.Clone();
                foreach (var direction in directions)
                {
                    var amount = 0.4f * (random.NextSingle() - 0.5f);
                    for (var d = 0; d < Dimension; d++)
                    {
                        vector[d] += amount * direction[d];
                    }
                }

                return ($"p{i}", Unit(vector));
            })
            .ToList();
    }

    private static float[] Unit(float[] vector)
    {
        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    private static HnswVectorIndex Filled(IReadOnlyList<(string Id, float[] Vector)> items, HnswOptions? options = null)
    {
        var index = HnswVectorIndex.Create(Dimension, options ?? new HnswOptions());
        index.UpsertMany(items);
        return index;
    }

    [Fact]
    public void A_scaled_query_scores_like_an_exact_scan_does_its_dot_product_not_its_cosine()
    {
        // TrainedHead.ToQuerySpace scales a photo's halves on purpose: no-good-match thresholds and boosts read the scores.
        var items = Clustered(600);
        using var hnsw = Filled(items);
        var exact = new ExactVectorIndex(Dimension, items.Count);
        items.ForEach(i => exact.Upsert(i.Id, i.Vector));
        var query = items[42].Vector.Select(v => v * 2.5f).ToArray();

        var approximate = hnsw.Search(query, 5);
        var scanned = exact.Search(query, 5);

        Assert.Equal(scanned.Select(h => h.Key), approximate.Select(h => h.Key));
        Assert.Equal(2.5f, approximate[0].Similarity, 3);
        Assert.All(approximate.Zip(scanned), pair => Assert.Equal(pair.Second.Similarity, pair.First.Similarity, 3));
    }

    [Theory]
    [InlineData(HnswStorage.F32, 0.97)]
    [InlineData(HnswStorage.F16, 0.97)]
    [InlineData(HnswStorage.I8, 0.80)] // 8 bits a dimension blur the closest neighbours together
    public void Finds_nearly_the_same_neighbours_as_an_exact_scan(HnswStorage storage, double minimumRecall)
    {
        var all = Clustered(5200);
        var (items, queries) = (all[..5000], all[5000..]); // queries: new points of the same clusters
        var hnsw = Filled(items, new HnswOptions { Storage = storage });
        var exact = new ExactVectorIndex(Dimension, items.Count);
        items.ForEach(i => exact.Upsert(i.Id, i.Vector));

        var recall = queries.Average(q =>
            hnsw.Search(q.Vector, 10).Select(h => h.Key).Intersect(exact.Search(q.Vector, 10).Select(h => h.Key)).Count() / 10.0);

        Assert.True(recall >= minimumRecall, $"recall@10 {recall:F3} with {storage}");
        Assert.Equal(5000, hnsw.Count);
    }

    [Fact]
    public void Similarities_are_cosines_best_first()
    {
        var items = Clustered(500);
        var index = Filled(items, new HnswOptions { Storage = HnswStorage.F32 });

        var hits = index.Search(items[3].Vector, 5);

        Assert.Equal("p3", hits[0].Key);
        Assert.Equal(1f, hits[0].Similarity, 4);
        Assert.True(hits.Zip(hits.Skip(1)).All(pair => pair.First.Similarity >= pair.Second.Similarity));
        var expected = TensorDot(items[3].Vector, items.Single(i => i.Id == hits[1].Key).Vector);
        Assert.Equal(expected, hits[1].Similarity, 4);
    }

    [Fact]
    public void Replacing_and_removing_change_what_is_found()
    {
        var items = Clustered(300);
        var index = Filled(items, new HnswOptions { Storage = HnswStorage.F32 });

        index.Upsert("p1", items[2].Vector); // p1 now looks exactly like p2
        Assert.Equal(300, index.Count);
        Assert.Equal(items[2].Vector, index.Get("p1")!, new ToleranceComparer(1e-6f));
        Assert.Contains(index.Search(items[2].Vector, 2), h => h.Key == "p1");

        Assert.True(index.Remove("p2"));
        Assert.False(index.Remove("p2"));
        Assert.Null(index.Get("p2"));
        Assert.DoesNotContain(index.Search(items[2].Vector, 10), h => h.Key == "p2");
        Assert.Equal(299, index.Count);
        Assert.Equal(2, index.UnusedSlots);
    }

    [Fact]
    public void A_filter_is_applied_during_the_search_not_after_it()
    {
        var items = Clustered(2000);
        var index = Filled(items);

        // Only every 50th product passes: a post-filter of the top 10 would return almost nothing.
        var hits = index.Search(items[0].Vector, 10, id => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 50 == 0);

        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.Equal(0, int.Parse(h.Key[1..], System.Globalization.CultureInfo.InvariantCulture) % 50));
    }

    [Fact]
    public void An_id_twice_in_one_batch_keeps_its_last_vector_and_the_graph_still_saves_and_loads()
    {
        using var folder = new TempDirectory();
        var items = Clustered(50);
        using var index = Filled([.. items, ("p3", items[40].Vector)]);

        Assert.Equal(50, index.Count);
        Assert.Equal(items[40].Vector, index.Get("p3")!, (a, b) => Math.Abs(a - b) < 1e-3f); // stored as float16
        index.Save(folder.File("catalog.hnsw"));
        using var loaded = HnswVectorIndex.Load(folder.File("catalog.hnsw"), Dimension, new HnswOptions());
        Assert.Equal(50, loaded.Count);
    }

    [Fact]
    public void A_saved_index_loads_with_the_same_answers()
    {
        using var folder = new TempDirectory();
        var items = Clustered(1000);
        var index = Filled(items);
        index.Remove("p5");
        index.Save(folder.File("catalog.hnsw"));

        var loaded = HnswVectorIndex.Load(folder.File("catalog.hnsw"), Dimension, new HnswOptions());

        Assert.Equal(999, loaded.Count);
        Assert.Null(loaded.Get("p5"));
        Assert.Equal(index.Search(items[7].Vector, 10), loaded.Search(items[7].Vector, 10));
        loaded.Upsert("new", items[7].Vector);
        Assert.Contains(loaded.Search(items[7].Vector, 3), h => h.Key == "new");
    }

    [Fact]
    public void Loading_files_that_do_not_belong_together_is_refused()
    {
        using var folder = new TempDirectory();
        Filled(Clustered(100)).Save(folder.File("a.hnsw"));
        Filled(Clustered(200)).Save(folder.File("b.hnsw"));
        File.Copy(folder.File("b.hnsw.keys"), folder.File("a.hnsw.keys"), overwrite: true);

        var error = Assert.Throws<InvalidDataException>(() => HnswVectorIndex.Load(folder.File("a.hnsw"), Dimension, new HnswOptions()));
        Assert.Contains("key table", error.Message);
        Assert.Throws<InvalidDataException>(() => HnswVectorIndex.Load(folder.File("b.hnsw"), Dimension * 2, new HnswOptions()));
    }

    [Fact]
    public void Wrong_dimensions_and_bad_options_are_named()
    {
        var index = HnswVectorIndex.Create(Dimension, new HnswOptions());
        Assert.Contains("dimensions", Assert.Throws<ArgumentException>(() => index.Upsert("x", new float[3])).Message);
        Assert.Contains("Connectivity", Assert.Throws<ArgumentException>(() => HnswVectorIndex.Create(Dimension, new HnswOptions { Connectivity = 1 })).Message);
        Assert.Empty(index.Search(new float[Dimension], 10));
    }

    private static float TensorDot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}

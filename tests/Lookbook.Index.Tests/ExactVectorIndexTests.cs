namespace Lookbook.Index.Tests;

public sealed class ExactVectorIndexTests
{
    private static float[] Unit(params float[] values)
    {
        VectorMath.NormalizeInPlace(values);
        return values;
    }

    [Fact]
    public void Returns_the_k_most_similar_best_first()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("east", Unit(1, 0));
        index.Upsert("north", Unit(0, 1));
        index.Upsert("north-east", Unit(1, 1));
        index.Upsert("west", Unit(-1, 0));

        var hits = index.Search(Unit(1, 0.2f), k: 3);

        Assert.Equal(["east", "north-east", "north"], hits.Select(h => h.Key));
        Assert.True(hits[0].Similarity > hits[1].Similarity && hits[1].Similarity > hits[2].Similarity);
        Assert.Equal(1 / MathF.Sqrt(1.04f), hits[0].Similarity, 5);
    }

    [Fact]
    public void Matches_a_brute_force_sort_on_random_vectors()
    {
        var random = new Random(7);
        var index = new ExactVectorIndex(16);
        var vectors = new Dictionary<string, float[]>();
        for (var i = 0; i < 500; i++)
        {
            var v = Unit(Enumerable.Range(0, 16).Select(_ => random.NextSingle() - 0.5f).ToArray());
            vectors[$"p{i}"] = v;
            index.Upsert($"p{i}", v);
        }

        var query = Unit(Enumerable.Range(0, 16).Select(_ => random.NextSingle() - 0.5f).ToArray());
        var expected = vectors
            .Select(kv => (kv.Key, Score: kv.Value.Zip(query, (a, b) => a * b).Sum()))
            .OrderByDescending(x => x.Score).Take(25).Select(x => x.Key);

        Assert.Equal(expected, index.Search(query, 25).Select(h => h.Key));
    }

    [Fact]
    public void Filter_excludes_keys_and_still_fills_k()
    {
        var index = new ExactVectorIndex(2);
        for (var i = 0; i < 10; i++)
        {
            index.Upsert($"k{i}", Unit(1, i));
        }

        var hits = index.Search(Unit(1, 0), 3, key => key != "k0" && key != "k1");

        Assert.Equal(["k2", "k3", "k4"], hits.Select(h => h.Key));
    }

    [Fact]
    public void Upsert_replaces_and_remove_deletes()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("a", Unit(1, 0));
        index.Upsert("b", Unit(0, 1));
        index.Upsert("c", Unit(-1, 0));

        index.Upsert("a", Unit(0, -1));
        Assert.True(index.Remove("b"));
        Assert.False(index.Remove("b"));

        Assert.Equal(2, index.Count);
        var hits = index.Search(Unit(0, -1), 5);
        Assert.Equal(["a", "c"], hits.Select(h => h.Key));
        Assert.Equal(1f, hits[0].Similarity, 5);
    }

    [Fact]
    public void Equal_scores_keep_insertion_order()
    {
        var index = new ExactVectorIndex(2);
        foreach (var key in new[] { "first", "second", "third" })
        {
            index.Upsert(key, Unit(1, 0));
        }

        Assert.Equal(["first", "second"], index.Search(Unit(1, 0), 2).Select(h => h.Key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Non_positive_k_returns_nothing(int k)
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("a", Unit(1, 0));
        Assert.Empty(index.Search(Unit(1, 0), k));
    }

    [Fact]
    public void K_larger_than_the_catalog_returns_everything()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("a", Unit(1, 0));
        index.Upsert("b", Unit(0, 1));
        Assert.Equal(2, index.Search(Unit(1, 0), 100).Count);
    }

    [Fact]
    public void Wrong_dimension_is_refused_with_a_message()
    {
        var index = new ExactVectorIndex(3);
        var error = Assert.Throws<ArgumentException>(() => index.Upsert("a", [1f, 0f]));
        Assert.Contains("2 dimensions", error.Message);
        Assert.Throws<ArgumentException>(() => index.Search([1f], 1));
    }
}

namespace Lookbook.Index.Tests;

public sealed class BoostedRankingTests
{
    [Fact]
    public void A_bonus_lifts_close_candidates_of_the_favoured_kind()
    {
        var index = new ExactVectorIndex(2);
        index.Upsert("coat-a", [1f, 0f]);
        index.Upsert("shirt-a", [0.995f, 0.0998f]);
        index.Upsert("shirt-b", [0.98f, 0.199f]);

        var plain = BoostedRanking.Rank(index, [1f, 0f], 3, _ => 0f, weight: 0);
        var boosted = BoostedRanking.Rank(index, [1f, 0f], 3, id => id.StartsWith("shirt", StringComparison.Ordinal) ? 1f : 0f, weight: 0.1f);

        Assert.Equal(["coat-a", "shirt-a", "shirt-b"], plain.Select(h => h.Key));
        Assert.Equal(["shirt-a", "shirt-b", "coat-a"], boosted.Select(h => h.Key));
        Assert.Equal(1f, boosted[2].Similarity, 5); // similarities stay the plain cosine
    }
}

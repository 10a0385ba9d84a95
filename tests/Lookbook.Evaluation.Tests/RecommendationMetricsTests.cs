namespace Lookbook.Evaluation.Tests;

public sealed class RecommendationMetricsTests
{
    [Theory]
    [InlineData(new[] { "a", "b", "c" }, "b", 3, 1.0, 0.630929753571457)] // rank 2: 1/log2(3)
    [InlineData(new[] { "a", "b", "c" }, "a", 3, 1.0, 1.0)]
    [InlineData(new[] { "a", "b", "c" }, "c", 2, 0.0, 0.0)] // beyond k
    [InlineData(new string[0], "a", 10, 0.0, 0.0)]
    public void Hit_and_ndcg_with_one_target(string[] list, string target, int k, double hit, double ndcg)
    {
        Assert.Equal(hit, RecommendationMetrics.HitAtK(list, target, k));
        Assert.Equal(ndcg, RecommendationMetrics.NdcgAtK(list, target, k), 10);
    }

    [Fact]
    public void Coverage_counts_distinct_items_over_the_catalog() =>
        Assert.Equal(0.3, RecommendationMetrics.Coverage([["a", "b"], ["b", "c"]], 10), 10);

    [Fact]
    public void Intra_list_diversity_is_the_mean_pairwise_dissimilarity()
    {
        // cosines: (x,x)=1 → 0, (x,y)=0 → 1, (x,y)=0 → 1: mean 2/3
        Assert.Equal(2.0 / 3, RecommendationMetrics.IntraListDiversity([[1f, 0f], [1f, 0f], [0f, 1f]]), 6);
        Assert.Equal(0, RecommendationMetrics.IntraListDiversity([[1f, 0f]]));
    }
}

namespace Lookbook.Learning.Tests;

/// <summary>Hand-computed tables; "D" is the query's category (relevant), anything else is not.</summary>
public sealed class RetrievalMetricsTests
{
    [Theory]
    [InlineData(new[] { "D", "D", "B", "D" }, "D", 4, 0.75)]
    [InlineData(new[] { "D", "D", "B", "D" }, "D", 2, 1.0)]
    [InlineData(new[] { "B", "B" }, "D", 2, 0.0)]
    [InlineData(new[] { "D" }, "D", 10, 0.1)] // fewer results than k: missing ones count as misses
    [InlineData(new string[0], "D", 5, 0.0)]
    public void Precision_at_k(string[] results, string query, int k, double expected) =>
        Assert.Equal(expected, RetrievalMetrics.PrecisionAtK(results, query, k), 10);

    [Theory]
    [InlineData(new[] { "D", "B", "D" }, 3, 4, 0.5)]
    [InlineData(new[] { "D", "B", "D" }, 1, 4, 0.25)]
    [InlineData(new[] { "B", "B", "B" }, 3, 0, 0.0)] // nothing to find: 0, not NaN
    public void Recall_at_k(string[] results, int k, int relevantTotal, double expected) =>
        Assert.Equal(expected, RetrievalMetrics.RecallAtK(results, "D", k, relevantTotal), 10);

    [Theory]
    // ranks 1 and 3 relevant: (1/1 + 2/3) / min(3, 5) = 0.5556
    [InlineData(new[] { "D", "B", "D" }, 3, 5, (1 + (2.0 / 3)) / 3)]
    // only 2 relevant exist and both come first: perfect
    [InlineData(new[] { "D", "D", "B", "B" }, 4, 2, 1.0)]
    // k larger than the list: missing ranks add nothing
    [InlineData(new[] { "B", "D" }, 10, 1, 0.5)]
    [InlineData(new[] { "B", "B" }, 2, 0, 0.0)]
    public void Average_precision_at_k(string[] results, int k, int relevantTotal, double expected) =>
        Assert.Equal(expected, RetrievalMetrics.AveragePrecisionAtK(results, "D", k, relevantTotal), 10);

    [Theory]
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal (3 relevant, k=3) = 1 + 1/log2(3) + 1/2 = 2.1309
    [InlineData(new[] { "D", "B", "D" }, 3, 3, 1.5 / (1 + 0.630929753571457 + 0.5))]
    [InlineData(new[] { "D", "D" }, 2, 2, 1.0)]
    // ties in category do not matter: any relevant item at rank 1 is worth the same
    [InlineData(new[] { "B", "D" }, 2, 1, 0.630929753571457)]
    [InlineData(new[] { "B" }, 1, 0, 0.0)]
    public void Ndcg_at_k(string[] results, int k, int relevantTotal, double expected) =>
        Assert.Equal(expected, RetrievalMetrics.NdcgAtK(results, "D", k, relevantTotal), 10);

    [Fact]
    public void Every_metric_needs_a_positive_k()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.PrecisionAtK(["a"], "a", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.RecallAtK(["a"], "a", 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.AveragePrecisionAtK(["a"], "a", 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.NdcgAtK(["a"], "a", 0, 1));
    }
}

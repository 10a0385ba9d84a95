using Lookbook.Core.Evaluation;

namespace Lookbook.Core.Tests;

public sealed class RetrievalMetricsTests
{
    [Theory]
    [InlineData(new[] { "Dress", "Dress", "Bag", "Dress" }, "Dress", 4, 0.75)]
    [InlineData(new[] { "Dress", "Dress", "Bag", "Dress" }, "Dress", 2, 1.0)]
    [InlineData(new[] { "Bag", "Bag" }, "Dress", 2, 0.0)]
    [InlineData(new[] { "Dress" }, "Dress", 10, 0.1)] // fewer results than k: missing ones count as misses
    [InlineData(new string[0], "Dress", 5, 0.0)]
    public void Precision_at_k(string[] results, string query, int k, double expected) =>
        Assert.Equal(expected, RetrievalMetrics.PrecisionAtK(results, query, k), 10);

    [Fact]
    public void Precision_needs_a_positive_k() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalMetrics.PrecisionAtK(["a"], "a", 0));
}

namespace Lookbook.Core.Evaluation;

/// <summary>Retrieval quality where an item is relevant when it shares the query's category.</summary>
public static class RetrievalMetrics
{
    /// <summary>
    /// Fraction of the first <paramref name="k"/> results that are relevant. When fewer than k results
    /// came back, the missing ones count as not relevant (k stays the denominator).
    /// </summary>
    public static double PrecisionAtK(IReadOnlyList<string> resultCategories, string queryCategory, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var relevant = 0;
        for (var i = 0; i < Math.Min(k, resultCategories.Count); i++)
        {
            if (string.Equals(resultCategories[i], queryCategory, StringComparison.Ordinal))
            {
                relevant++;
            }
        }

        return (double)relevant / k;
    }
}

namespace Lookbook.Learning;

/// <summary>
/// Retrieval quality of one ranked result list where an item is relevant when it shares the query's
/// category. <c>relevantTotal</c> is how many relevant items the gallery holds (for recall and AP).
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>
    /// Fraction of the first <paramref name="k"/> results that are relevant. When fewer than k results
    /// came back, the missing ones count as not relevant (k stays the denominator).
    /// </summary>
    public static double PrecisionAtK(IReadOnlyList<string> resultCategories, string queryCategory, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return (double)RelevantInTop(resultCategories, queryCategory, k) / k;
    }

    /// <summary>Fraction of all relevant gallery items found in the first k results; 0 when there are none to find.</summary>
    public static double RecallAtK(IReadOnlyList<string> resultCategories, string queryCategory, int k, int relevantTotal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return relevantTotal == 0 ? 0 : (double)RelevantInTop(resultCategories, queryCategory, k) / relevantTotal;
    }

    /// <summary>
    /// Average precision at k: the mean of precision@i over the ranks i ≤ k that hold a relevant item,
    /// divided by min(k, relevantTotal) so a perfect top-k scores 1 even when fewer than k are relevant.
    /// </summary>
    public static double AveragePrecisionAtK(IReadOnlyList<string> resultCategories, string queryCategory, int k, int relevantTotal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var denominator = Math.Min(k, relevantTotal);
        if (denominator == 0)
        {
            return 0;
        }

        double sum = 0;
        var hits = 0;
        for (var i = 0; i < Math.Min(k, resultCategories.Count); i++)
        {
            if (resultCategories[i] == queryCategory)
            {
                hits++;
                sum += (double)hits / (i + 1);
            }
        }

        return sum / denominator;
    }

    /// <summary>
    /// Normalised discounted cumulative gain at k with binary relevance: DCG = Σ rel_i / log2(i + 1),
    /// divided by the DCG of the ideal list (min(k, relevantTotal) relevant items first).
    /// </summary>
    public static double NdcgAtK(IReadOnlyList<string> resultCategories, string queryCategory, int k, int relevantTotal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        double dcg = 0;
        for (var i = 0; i < Math.Min(k, resultCategories.Count); i++)
        {
            if (resultCategories[i] == queryCategory)
            {
                dcg += 1 / Math.Log2(i + 2);
            }
        }

        double ideal = 0;
        for (var i = 0; i < Math.Min(k, relevantTotal); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static int RelevantInTop(IReadOnlyList<string> resultCategories, string queryCategory, int k)
    {
        var relevant = 0;
        for (var i = 0; i < Math.Min(k, resultCategories.Count); i++)
        {
            if (string.Equals(resultCategories[i], queryCategory, StringComparison.Ordinal))
            {
                relevant++;
            }
        }

        return relevant;
    }
}

namespace Lookbook.Evaluation;

/// <summary>Offline recommendation metrics with one held-out target item per user.</summary>
public static class RecommendationMetrics
{
    /// <summary>1 when the target is among the first k recommendations, else 0.</summary>
    public static double HitAtK(IReadOnlyList<string> recommended, string target, int k) =>
        recommended.Take(k).Contains(target, StringComparer.Ordinal) ? 1 : 0;

    /// <summary>NDCG@k with a single relevant item: 1 / log2(rank + 1) at its 1-based rank, 0 when absent (the ideal DCG is 1).</summary>
    public static double NdcgAtK(IReadOnlyList<string> recommended, string target, int k)
    {
        for (var i = 0; i < Math.Min(k, recommended.Count); i++)
        {
            if (string.Equals(recommended[i], target, StringComparison.Ordinal))
            {
                return 1 / Math.Log2(i + 2);
            }
        }

        return 0;
    }

    /// <summary>Share of the catalog that appears in at least one list.</summary>
    public static double Coverage(IEnumerable<IReadOnlyList<string>> lists, int catalogSize) =>
        catalogSize == 0 ? 0 : (double)lists.SelectMany(l => l).Distinct(StringComparer.Ordinal).Count() / catalogSize;

    /// <summary>Mean pairwise dissimilarity (1 − cosine) of the items of one list; 0 for fewer than two items.</summary>
    public static double IntraListDiversity(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count < 2)
        {
            return 0;
        }

        double sum = 0;
        var pairs = 0;
        for (var i = 0; i < vectors.Count; i++)
        {
            for (var j = i + 1; j < vectors.Count; j++)
            {
                sum += 1 - System.Numerics.Tensors.TensorPrimitives.Dot(vectors[i], vectors[j]);
                pairs++;
            }
        }

        return sum / pairs;
    }
}

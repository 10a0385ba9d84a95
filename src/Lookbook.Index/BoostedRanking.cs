namespace Lookbook.Index;

/// <summary>
/// Re-ranks nearest neighbours with a per-item bonus: candidates found by similarity are re-scored as
/// similarity + weight × bonus(item). With bonus = P(item's category | photo) from the classifier,
/// products of the category the photo most likely shows rise, softly, in proportion to its confidence.
/// Reported similarities stay the plain cosine.
/// </summary>
public static class BoostedRanking
{
    /// <summary>How many nearest candidates are re-scored per requested result (at least 100).</summary>
    public const int CandidatesPerResult = 10;

    /// <param name="candidates">Nearest candidates to re-score (default <see cref="CandidateCount"/>).</param>
    public static IReadOnlyList<VectorHit> Rank(
        IVectorIndex index, ReadOnlySpan<float> query, int k, Func<string, float> bonus, float weight, Func<string, bool>? filter = null, int? candidates = null)
    {
        if (weight <= 0)
        {
            return index.Search(query, k, filter);
        }

        return Rescore(index.Search(query, Math.Max(k, candidates ?? CandidateCount(k)), filter), k, bonus, weight);
    }

    /// <summary>How many nearest candidates to re-score for <paramref name="k"/> results.</summary>
    public static int CandidateCount(int k) => Math.Max(100, k * CandidatesPerResult);

    /// <summary>Re-scores candidates (best first by similarity) and keeps the best <paramref name="k"/>.</summary>
    public static IReadOnlyList<VectorHit> Rescore(IReadOnlyList<VectorHit> candidates, int k, Func<string, float> bonus, float weight) =>
        candidates
            .Select((hit, rank) => (Hit: hit, Rank: rank, Score: hit.Similarity + (weight * bonus(hit.Key))))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Rank)
            .Take(k)
            .Select(x => x.Hit)
            .ToList();
}

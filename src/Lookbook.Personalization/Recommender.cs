using Lookbook.Catalog;
using Lookbook.Search;

namespace Lookbook.Personalization;

/// <summary>
/// Recommendations from a shopper's history: candidates near each of their interests, scored by
/// affinity (best interest match minus closeness to dislikes), picked by maximal marginal relevance so
/// the list is varied, with each interest guaranteed a share of the slots. Products already liked,
/// carted, purchased or disliked are never recommended. A shopper without history gets popular products, varied across
/// categories. Thread-safe.
/// </summary>
public sealed class Recommender(SearchableCatalog catalog, RecommenderTuning options)
{
    private const int CandidatesPerSlot = 8;

    public IReadOnlyList<Recommendation> Recommend(
        IReadOnlyList<Interaction> history,
        int k,
        DateTimeOffset now,
        ShopperPreferences? preferences = null,
        IReadOnlyDictionary<string, int>? popularity = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var profile = InterestProfile.Build(history, catalog.VectorOf, options, now);
        bool Allowed(Product p) => !profile.Excluded.Contains(p.Id) && Accepts(preferences, p);
        if (profile.IsEmpty)
        {
            return ColdStart(k, Allowed, popularity);
        }

        var pool = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var interest in profile.Interests)
        {
            var hits = catalog.Search(interest.Centroid, new SearchRequest(Math.Min(1000, k * CandidatesPerSlot)), where: Allowed);
            foreach (var hit in hits)
            {
                if (pool.ContainsKey(hit.Product.Id) || catalog.VectorOf(hit.Product.Id) is not { } vector)
                {
                    continue;
                }

                pool[hit.Product.Id] = new Candidate(hit.Product, vector, profile.Affinity(vector, options.DislikePenalty), profile.NearestInterest(vector));
            }
        }

        var quotas = profile.Interests.Select(i => Math.Max(1, (int)Math.Round(k * i.Share))).ToArray();
        var selected = Diversify(pool.Values.ToList(), k, quotas, options.Diversity);
        var explain = new Explainer(history, profile, catalog, now, preferences);
        return selected.Select(c => new Recommendation(c.Product, c.Relevance, explain.Why(c.Product, c.Vector))).ToList();
    }

    /// <summary>
    /// Maximal marginal relevance: repeatedly take the candidate maximising
    /// λ·relevance − (1 − λ)·(highest similarity to anything already taken), while interests have quota left.
    /// </summary>
    public static IReadOnlyList<Candidate> Diversify(List<Candidate> candidates, int k, int[] quotas, float lambda)
    {
        var λ = lambda;
        var left = (int[])quotas.Clone();
        var chosen = new List<Candidate>(k);
        var maxSimilarity = new float[candidates.Count];
        var taken = new bool[candidates.Count];
        while (chosen.Count < k)
        {
            var anyQuota = left.Any(q => q > 0);
            var best = -1;
            var bestScore = float.MinValue;
            for (var c = 0; c < candidates.Count; c++)
            {
                if (taken[c] || (anyQuota && left[candidates[c].Interest] <= 0))
                {
                    continue;
                }

                var score = (λ * candidates[c].Relevance) - ((1 - λ) * maxSimilarity[c]);
                if (score > bestScore)
                {
                    (bestScore, best) = (score, c);
                }
            }

            if (best < 0)
            {
                if (anyQuota)
                {
                    Array.Clear(left); // an interest ran out of candidates: fill from the others
                    continue;
                }

                break;
            }

            taken[best] = true;
            left[candidates[best].Interest]--;
            chosen.Add(candidates[best]);
            for (var c = 0; c < candidates.Count; c++)
            {
                if (!taken[c])
                {
                    maxSimilarity[c] = Math.Max(maxSimilarity[c], InterestProfile.Dot(candidates[c].Vector, candidates[best].Vector));
                }
            }
        }

        return chosen;
    }

    private IReadOnlyList<Recommendation> ColdStart(int k, Func<Product, bool> allowed, IReadOnlyDictionary<string, int>? popularity)
    {
        // Popular first, then by id; one category at a time in turn so the list shows the range.
        var byCategory = catalog.Products.Where(allowed)
            .OrderByDescending(p => popularity?.GetValueOrDefault(p.Id) ?? 0)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .GroupBy(p => p.Category)
            .OrderByDescending(g => g.Sum(p => popularity?.GetValueOrDefault(p.Id) ?? 0))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Queue<Product>(g))
            .ToList();
        var result = new List<Recommendation>(k);
        while (result.Count < k && byCategory.Any(q => q.Count > 0))
        {
            foreach (var queue in byCategory.Where(q => q.Count > 0))
            {
                if (result.Count == k)
                {
                    break;
                }

                var product = queue.Dequeue();
                var count = popularity?.GetValueOrDefault(product.Id) ?? 0;
                result.Add(new Recommendation(product, count, count > 0 ? $"popular in {product.Category}" : $"a pick from {product.Category}"));
            }
        }

        return result;
    }

    private static bool Accepts(ShopperPreferences? preferences, Product product) =>
        preferences is null
        || ((preferences.Categories is null || preferences.Categories.Count == 0 || preferences.Categories.Contains(product.Category))
            && (preferences.Attributes is null || preferences.Attributes.All(a =>
                product.Attributes.TryGetValue(a.Key, out var v) && string.Equals(v, a.Value, StringComparison.OrdinalIgnoreCase))));

    /// <summary>A product considered for recommendation, with the interest that found it.</summary>
    public sealed record Candidate(Product Product, float[] Vector, float Relevance, int Interest);
}

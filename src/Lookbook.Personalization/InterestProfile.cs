using Lookbook.Index;

namespace Lookbook.Personalization;

/// <summary>One thing a shopper is into: the weighted centre of similar products they engaged with.</summary>
/// <param name="Anchor">The member with the most weight, used to explain recommendations.</param>
/// <param name="Share">This interest's part of the shopper's positive weight, 0..1.</param>
public sealed record Interest(float[] Centroid, float Weight, float Share, string Anchor);

/// <summary>
/// A shopper's history condensed: weighted interests (several, so a shopper into sneakers and dresses is
/// not averaged into something in between), the products to avoid, and per-product weights.
/// </summary>
public sealed record InterestProfile(
    IReadOnlyList<Interest> Interests,
    IReadOnlyDictionary<string, float> ProductWeights,
    IReadOnlyList<float[]> Disliked,
    IReadOnlySet<string> Excluded)
{
    public bool IsEmpty => Interests.Count == 0;

    /// <summary>
    /// Builds the profile: event weights by kind and recency summed per product; positive products
    /// grouped greedily (heaviest first) into at most <see cref="RecommenderTuning.MaxInterests"/>
    /// interests by cosine similarity; products the shopper liked, carted, bought or disliked are excluded
    /// from recommendations (merely viewed ones may come back).
    /// </summary>
    public static InterestProfile Build(IReadOnlyList<Interaction> history, Func<string, float[]?> vectorOf, RecommenderTuning options, DateTimeOffset now)
    {
        var weights = new Dictionary<string, float>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in history)
        {
            weights[e.ProductId] = weights.GetValueOrDefault(e.ProductId) + options.Weight(e.Kind, now - e.At);
            // Only plain views may come back: a shopper has already acted on what they liked, carted, bought or rejected.
            if (e.Kind is not InteractionKind.View)
            {
                excluded.Add(e.ProductId);
            }
        }

        var groups = new List<(float[] Sum, float Weight, string Anchor, float AnchorWeight)>();
        var disliked = new List<float[]>();
        foreach (var (id, weight) in weights.OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal))
        {
            if (vectorOf(id) is not { } vector)
            {
                continue; // a product that left the catalog
            }

            if (weight < 0)
            {
                disliked.Add(vector);
                continue;
            }

            if (weight == 0)
            {
                continue;
            }

            var nearest = -1;
            var best = float.MinValue;
            for (var g = 0; g < groups.Count; g++)
            {
                var centre = (float[])groups[g].Sum.Clone();
                VectorMath.NormalizeInPlace(centre);
                var similarity = Dot(centre, vector);
                if (similarity > best)
                {
                    (best, nearest) = (similarity, g);
                }
            }

            if (nearest < 0 || (best < options.InterestSimilarity && groups.Count < options.MaxInterests))
            {
                groups.Add((vector.Select(v => v * weight).ToArray(), weight, id, weight));
                continue;
            }

            var group = groups[nearest];
            for (var d = 0; d < vector.Length; d++)
            {
                group.Sum[d] += vector[d] * weight;
            }

            groups[nearest] = (group.Sum, group.Weight + weight, group.Anchor, group.AnchorWeight);
        }

        var total = groups.Sum(g => g.Weight);
        var interests = groups.Select(g =>
        {
            var centroid = (float[])g.Sum.Clone();
            VectorMath.NormalizeInPlace(centroid);
            return new Interest(centroid, g.Weight, total > 0 ? g.Weight / total : 0, g.Anchor);
        }).OrderByDescending(i => i.Weight).ToList();
        return new InterestProfile(interests, weights, disliked, excluded);
    }

    /// <summary>How much a product fits the shopper: its best interest match, less its closeness to dislikes.</summary>
    public float Affinity(ReadOnlySpan<float> vector, float dislikePenalty)
    {
        var best = 0f;
        foreach (var interest in Interests)
        {
            best = Math.Max(best, Dot(interest.Centroid, vector));
        }

        var worst = 0f;
        foreach (var dislike in Disliked)
        {
            worst = Math.Max(worst, Dot(dislike, vector));
        }

        return best - (dislikePenalty * worst);
    }

    /// <summary>Index of the interest whose centre is closest to <paramref name="vector"/>.</summary>
    public int NearestInterest(ReadOnlySpan<float> vector)
    {
        var (best, nearest) = (float.MinValue, 0);
        for (var i = 0; i < Interests.Count; i++)
        {
            var similarity = Dot(Interests[i].Centroid, vector);
            if (similarity > best)
            {
                (best, nearest) = (similarity, i);
            }
        }

        return nearest;
    }

    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}

using Lookbook.Catalog;

namespace Lookbook.Personalization;

/// <summary>What a shopper did with a product.</summary>
public enum InteractionKind
{
    View,
    Like,
    Dislike,
    Cart,
    Purchase,
}

/// <summary>One event of a shopper's history.</summary>
public sealed record Interaction(string ProductId, InteractionKind Kind, DateTimeOffset At);

/// <summary>How history turns into recommendations.</summary>
/// <param name="HalfLifeDays">An event's weight halves every this many days.</param>
/// <param name="Diversity">MMR trade-off λ: 1 ranks by relevance only, lower values favour variety.</param>
/// <param name="MaxInterests">Most separate interests kept for one shopper (e.g. sneakers and dresses).</param>
/// <param name="InterestSimilarity">Cosine above which a liked product joins an existing interest.</param>
/// <param name="DislikePenalty">How strongly products like a disliked one are pushed down.</param>
public sealed record RecommenderTuning(
    double HalfLifeDays = 14,
    float Diversity = 0.7f,
    int MaxInterests = 3,
    float InterestSimilarity = 0.85f,
    float DislikePenalty = 0.5f)
{
    /// <summary>Purchase &gt; cart &gt; like &gt; view; a dislike counts against.</summary>
    public static float WeightOf(InteractionKind kind) => kind switch
    {
        InteractionKind.Purchase => 4f,
        InteractionKind.Cart => 3f,
        InteractionKind.Like => 2f,
        InteractionKind.View => 1f,
        InteractionKind.Dislike => -3f,
        _ => 0f,
    };

    /// <summary>Weight of an event of <paramref name="kind"/> that happened <paramref name="age"/> ago.</summary>
    public float Weight(InteractionKind kind, TimeSpan age) =>
        WeightOf(kind) * (float)Math.Pow(0.5, Math.Max(0, age.TotalDays) / HalfLifeDays);
}

/// <summary>Filters a shopper chose; null means no restriction.</summary>
public sealed record ShopperPreferences(IReadOnlySet<string>? Categories = null, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>A recommended product, its score and why.</summary>
public sealed record Recommendation(Catalog.Product Product, float Score, string Explanation);

using Lookbook.Catalog;
using Lookbook.Search;

namespace Lookbook.Personalization;

/// <summary>
/// Why a product is recommended, in words that are true of it:
/// "like the Dress you liked 2 days ago" names the history product most similar to the recommendation,
/// of the same kind when the shopper has one; a product that is there only because the shopper's
/// preferences asked for its kind says so ("from your preferences (Sneaker); nearest to the Bag you liked
/// today") instead of claiming it is like something of another kind.
/// </summary>
internal sealed class Explainer
{
    private readonly List<Reason> _reasons = [];
    private readonly DateTimeOffset _now;
    private readonly string? _preferences;

    public Explainer(IReadOnlyList<Interaction> history, InterestProfile profile, SearchableCatalog catalog, DateTimeOffset now, ShopperPreferences? preferences)
    {
        _now = now;
        _preferences = Describe(preferences);
        foreach (var group in history.GroupBy(e => e.ProductId))
        {
            if (profile.ProductWeights.GetValueOrDefault(group.Key) <= 0 || catalog.Find(group.Key) is not { } product
                || catalog.VectorOf(group.Key) is not { } vector)
            {
                continue;
            }

            // The strongest thing the shopper did with it, and the latest time they did it.
            var strongest = group.OrderByDescending(e => RecommenderTuning.WeightOf(e.Kind)).ThenByDescending(e => e.At).First();
            _reasons.Add(new Reason(product.Category, vector, strongest.Kind, strongest.At));
        }
    }

    public string Why(Product product, float[] vector)
    {
        if (_reasons.Count == 0)
        {
            return "picked for you";
        }

        // The closest history product by similarity alone (not by how much it weighs in the profile):
        // the one a shopper comparing the two pictures would see the likeness with.
        var sameKind = _reasons.Where(r => r.Category == product.Category).ToList();
        var closest = (sameKind.Count > 0 ? sameKind : _reasons).MaxBy(r => InterestProfile.Dot(r.Vector, vector))!;
        var what = $"the {closest.Category} you {Verb(closest.Kind)} {Ago(_now - closest.At)}";
        return sameKind.Count == 0 && _preferences is not null
            ? $"from your preferences ({_preferences}); nearest to {what}"
            : $"like {what}";
    }

    private static string? Describe(ShopperPreferences? preferences)
    {
        if (preferences is null)
        {
            return null;
        }

        var parts = (preferences.Categories ?? new HashSet<string>()).Order(StringComparer.Ordinal)
            .Concat((preferences.Attributes ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value))
            .ToList();
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string Verb(InteractionKind kind) => kind switch
    {
        InteractionKind.Purchase => "bought",
        InteractionKind.Cart => "put in your cart",
        InteractionKind.Like => "liked",
        _ => "viewed",
    };

    private static string Ago(TimeSpan age) => age.TotalDays switch
    {
        < 1 => "today",
        < 2 => "yesterday",
        < 14 => $"{(int)age.TotalDays} days ago",
        < 60 => $"{(int)(age.TotalDays / 7)} weeks ago",
        _ => $"{(int)(age.TotalDays / 30)} months ago",
    };

    private sealed record Reason(string Category, float[] Vector, InteractionKind Kind, DateTimeOffset At);
}

using Lookbook.Search;

namespace Lookbook.Personalization;

/// <summary>
/// "Like the Dress you liked 2 days ago": names the history product that contributes most to a
/// recommendation (similarity × its weight), what the shopper did with it, and when.
/// </summary>
internal sealed class Explainer
{
    private readonly List<(string Category, float[] Vector, float Weight, InteractionKind Kind, DateTimeOffset At)> _reasons = [];
    private readonly DateTimeOffset _now;

    public Explainer(IReadOnlyList<Interaction> history, InterestProfile profile, SearchableCatalog catalog, DateTimeOffset now)
    {
        _now = now;
        foreach (var group in history.GroupBy(e => e.ProductId))
        {
            if (profile.ProductWeights.GetValueOrDefault(group.Key) <= 0 || catalog.Find(group.Key) is not { } product
                || catalog.VectorOf(group.Key) is not { } vector)
            {
                continue;
            }

            // The strongest thing the shopper did with it, and the latest time they did it.
            var strongest = group.OrderByDescending(e => RecommenderTuning.WeightOf(e.Kind)).ThenByDescending(e => e.At).First();
            _reasons.Add((product.Category, vector, profile.ProductWeights[group.Key], strongest.Kind, strongest.At));
        }
    }

    public string Why(float[] vector)
    {
        if (_reasons.Count == 0)
        {
            return "picked for you";
        }

        var reason = _reasons.MaxBy(r => InterestProfile.Dot(r.Vector, vector) * r.Weight);
        return $"like the {reason.Category} you {Verb(reason.Kind)} {Ago(_now - reason.At)}";
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
}

using Lookbook.Catalog;
using Lookbook.Personalization;
using Lookbook.Search;

namespace Lookbook.Evaluation;

/// <summary>Figures of one recommender over the simulated shoppers.</summary>
public sealed record RecommenderScores(string Name, double HitRateAt10, double NdcgAt10, double Coverage, double IntraListDiversity);

/// <summary>The personalization report: the recommender, the baselines, and the diversity sweep.</summary>
public sealed record PersonalizationReport(int Users, int CatalogSize, IReadOnlyList<RecommenderScores> Results, IReadOnlyList<RecommenderScores> DiversitySweep);

/// <summary>
/// Offline evaluation with simulated shoppers. Each has one to three preferred categories and, in each,
/// a visual style (a random product and its nearest look-alikes in that category); a history of views,
/// likes, carts and purchases is drawn from those items over 30 days. The last interaction is held out,
/// the recommender sees the rest, and a hit means the held-out product is in its top 10. Baselines: most
/// popular (over the simulated histories) and random.
/// </summary>
public sealed class PersonalizationEvaluator(SearchableCatalogProvider catalogs)
{
    private const int K = 10;
    private static readonly float[] SweepLambdas = [1f, 0.9f, 0.7f, 0.5f, 0.3f];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public PersonalizationReport Evaluate(int users, int seed, IProgress<string>? progress = null)
    {
        using var lease = catalogs.Acquire();
        var catalog = lease.Catalog;
        var products = catalog.Products.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var byCategory = products.GroupBy(p => p.Category).ToDictionary(g => g.Key, g => g.ToList());
        var random = new Random(seed);
        var shoppers = Enumerable.Range(0, users).Select(_ => Simulate(catalog, byCategory, random)).Where(s => s.History.Count >= 2).ToList();
        progress?.Report($"Simulated {shoppers.Count} shoppers over {products.Count:N0} products");

        var popularity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var shopper in shoppers)
        {
            foreach (var e in shopper.History)
            {
                popularity[e.ProductId] = popularity.GetValueOrDefault(e.ProductId) + (int)Math.Max(0, RecommenderTuning.WeightOf(e.Kind));
            }
        }

        var popular = products.OrderByDescending(p => popularity.GetValueOrDefault(p.Id)).ThenBy(p => p.Id, StringComparer.Ordinal).Select(p => p.Id).ToList();
        var results = new List<RecommenderScores>
        {
            Score("Lookbook (history, multi-interest, MMR λ=0.7)", shoppers, catalog, s => Recommend(catalog, s, 0.7f)),
            Score("most popular", shoppers, catalog, s => popular.Where(id => !s.Acted.Contains(id)).Take(K).ToList()),
            Score("random", shoppers, catalog, s => products.Where(p => !s.Acted.Contains(p.Id)).OrderBy(_ => random.Next()).Take(K).Select(p => p.Id).ToList()),
        };
        var sweep = SweepLambdas
            .Select(lambda => Score($"λ = {lambda:0.0}", shoppers, catalog, s => Recommend(catalog, s, lambda)))
            .ToList();
        return new PersonalizationReport(shoppers.Count, products.Count, results, sweep);
    }

    private static List<string> Recommend(SearchableCatalog catalog, SimulatedShopper shopper, float lambda) =>
        new Recommender(catalog, new RecommenderTuning(Diversity: lambda))
            .Recommend(shopper.History, K, shopper.Now)
            .Select(r => r.Product.Id)
            .ToList();

    private static RecommenderScores Score(string name, List<SimulatedShopper> shoppers, SearchableCatalog catalog, Func<SimulatedShopper, List<string>> recommend)
    {
        var lists = shoppers.Select(s => (Shopper: s, List: (IReadOnlyList<string>)recommend(s))).ToList();
        return new RecommenderScores(
            name,
            lists.Average(x => RecommendationMetrics.HitAtK(x.List, x.Shopper.Target, K)),
            lists.Average(x => RecommendationMetrics.NdcgAtK(x.List, x.Shopper.Target, K)),
            RecommendationMetrics.Coverage(lists.Select(x => x.List), catalog.Count),
            lists.Average(x => RecommendationMetrics.IntraListDiversity(x.List.Select(id => catalog.VectorOf(id)!).ToList())));
    }

    private static SimulatedShopper Simulate(SearchableCatalog catalog, Dictionary<string, List<Product>> byCategory, Random random)
    {
        var categories = byCategory.Keys.Order(StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
        var liked = new List<string>();
        foreach (var category in categories)
        {
            var members = byCategory[category];
            var seed = members[random.Next(members.Count)];
            // The style: the seed and its closest look-alikes in the category.
            var style = catalog.Search(catalog.VectorOf(seed.Id)!, new SearchRequest(Math.Min(25, members.Count), category));
            liked.AddRange(style.Select(h => h.Product.Id));
        }

        var events = new List<Interaction>();
        var count = random.Next(6, 16);
        var at = Start;
        for (var i = 0; i < count; i++)
        {
            at = at.AddHours(random.Next(1, 72));
            var roll = random.NextDouble();
            var kind = roll < 0.55 ? InteractionKind.View : roll < 0.8 ? InteractionKind.Like : roll < 0.92 ? InteractionKind.Cart : InteractionKind.Purchase;
            events.Add(new Interaction(liked[random.Next(liked.Count)], kind, at));
        }

        // Hold out the last product the shopper engaged with that they had not bought before.
        var target = events[^1];
        var history = events.Take(events.Count - 1).ToList();
        // Products the shopper already acted on are not recommended by anyone (the same rule as Lookbook's).
        var acted = history.Where(e => e.Kind != InteractionKind.View).Select(e => e.ProductId).ToHashSet(StringComparer.Ordinal);
        if (acted.Contains(target.ProductId))
        {
            history = []; // the held-out product could not be recommended: not a fair test, leave the shopper out
        }

        return new SimulatedShopper(history, target.ProductId, acted, target.At);
    }

    private sealed record SimulatedShopper(List<Interaction> History, string Target, HashSet<string> Acted, DateTimeOffset Now);
}

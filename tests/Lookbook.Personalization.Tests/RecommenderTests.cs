using Lookbook.Catalog;
using Lookbook.Index;
using Lookbook.Search;

namespace Lookbook.Personalization.Tests;

public sealed class RecommenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Ten sneakers near axis 0, ten dresses near axis 1, ten bags near axis 2, each a little apart along axis 3.</summary>
    private static SearchableCatalog Catalog()
    {
        var products = new List<Product>();
        var index = new ExactVectorIndex(4);
        string[] categories = ["Sneaker", "Dress", "Bag"];
        for (var c = 0; c < categories.Length; c++)
        {
            for (var i = 0; i < 10; i++)
            {
                var id = $"{categories[c].ToLowerInvariant()}-{i}";
                products.Add(new Product(id, $"{categories[c]} {i}", categories[c], new Dictionary<string, string> { ["colour"] = i % 2 == 0 ? "Black" : "White" }));
                var vector = new float[4];
                vector[c] = 1;
                vector[3] = i * 0.08f;
                VectorMath.NormalizeInPlace(vector);
                index.Upsert(id, vector);
            }
        }

        return new SearchableCatalog(products, index);
    }

    private static Recommender Recommender(float diversity = 0.7f) => new(Catalog(), new RecommenderTuning(Diversity: diversity));

    private static Interaction Event(string id, InteractionKind kind, double daysAgo = 1) => new(id, kind, Now.AddDays(-daysAgo));

    [Fact]
    public void Events_weigh_purchase_over_cart_over_like_over_view_and_fade_with_age()
    {
        var options = new RecommenderTuning(HalfLifeDays: 10);
        var kinds = new[] { InteractionKind.Purchase, InteractionKind.Cart, InteractionKind.Like, InteractionKind.View };
        var weights = kinds.Select(k => options.Weight(k, TimeSpan.Zero)).ToList();

        Assert.Equal(weights.OrderDescending(), weights);
        Assert.True(options.Weight(InteractionKind.Dislike, TimeSpan.Zero) < 0);
        Assert.Equal(options.Weight(InteractionKind.Like, TimeSpan.Zero) / 2, options.Weight(InteractionKind.Like, TimeSpan.FromDays(10)), 5);
        Assert.Equal(options.Weight(InteractionKind.Like, TimeSpan.Zero) / 4, options.Weight(InteractionKind.Like, TimeSpan.FromDays(20)), 5);
    }

    [Fact]
    public void A_shopper_into_sneakers_and_dresses_gets_both_not_their_average()
    {
        var history = new[] { Event("sneaker-0", InteractionKind.Like), Event("sneaker-1", InteractionKind.Like), Event("dress-0", InteractionKind.Like), Event("dress-1", InteractionKind.Like) };

        var recommendations = Recommender().Recommend(history, 6, Now);

        var categories = recommendations.Select(r => r.Product.Category).ToList();
        Assert.Equal(3, categories.Count(c => c == "Sneaker"));
        Assert.Equal(3, categories.Count(c => c == "Dress"));
        Assert.DoesNotContain("Bag", categories);
    }

    [Fact]
    public void Purchased_and_disliked_products_are_never_recommended()
    {
        var history = new[] { Event("sneaker-0", InteractionKind.Purchase), Event("sneaker-1", InteractionKind.Dislike), Event("sneaker-2", InteractionKind.Like) };

        var ids = Recommender().Recommend(history, 10, Now).Select(r => r.Product.Id).ToList();

        Assert.DoesNotContain("sneaker-0", ids);
        Assert.DoesNotContain("sneaker-1", ids);
    }

    [Fact]
    public void A_dislike_pushes_similar_products_down()
    {
        // Likes a sneaker and a bag equally; dislikes another bag: bags must fall behind sneakers.
        var liked = new[] { Event("sneaker-5", InteractionKind.Like), Event("bag-5", InteractionKind.Like) };
        var withDislike = liked.Append(Event("bag-9", InteractionKind.Dislike)).ToList();

        var before = Recommender(diversity: 1).Recommend(liked, 10, Now);
        var after = Recommender(diversity: 1).Recommend(withDislike, 10, Now);

        float Score(IReadOnlyList<Recommendation> list, string category) => list.Where(r => r.Product.Category == category).Max(r => r.Score);
        Assert.Equal(Score(before, "Bag"), Score(before, "Sneaker"), 3);
        Assert.True(Score(after, "Bag") < Score(after, "Sneaker") - 0.1f);
    }

    [Fact]
    public void Diversity_trades_relevance_for_variety()
    {
        var a = new float[] { 1, 0 };
        var a2 = new float[] { 0.999f, 0.045f };
        var b = new float[] { 0, 1 };
        var candidates = new List<Recommender.Candidate>
        {
            new(new Product("a", "a", "x", new Dictionary<string, string>()), a, 0.95f, 0),
            new(new Product("a2", "a2", "x", new Dictionary<string, string>()), a2, 0.94f, 0),
            new(new Product("b", "b", "x", new Dictionary<string, string>()), b, 0.80f, 0),
        };

        var relevanceOnly = global::Lookbook.Personalization.Recommender.Diversify(candidates, 2, [2], lambda: 1f);
        var varied = global::Lookbook.Personalization.Recommender.Diversify(candidates, 2, [2], lambda: 0.5f);

        Assert.Equal(["a", "a2"], relevanceOnly.Select(c => c.Product.Id));
        Assert.Equal(["a", "b"], varied.Select(c => c.Product.Id));
    }

    [Fact]
    public void Preferences_filter_categories_and_attributes()
    {
        var history = new[] { Event("sneaker-0", InteractionKind.Like), Event("dress-0", InteractionKind.Like) };
        var preferences = new ShopperPreferences(new HashSet<string> { "Dress" }, new Dictionary<string, string> { ["colour"] = "white" });

        var recommendations = Recommender().Recommend(history, 5, Now, preferences);

        Assert.NotEmpty(recommendations);
        Assert.All(recommendations, r => Assert.Equal(("Dress", "White"), (r.Product.Category, r.Product.Attributes["colour"])));
    }

    [Fact]
    public void Each_recommendation_says_why()
    {
        var history = new[] { Event("dress-3", InteractionKind.Like, daysAgo: 2.5), Event("dress-3", InteractionKind.View, daysAgo: 0.2), Event("bag-1", InteractionKind.Purchase, daysAgo: 40) };

        var recommendations = Recommender().Recommend(history, 6, Now);

        Assert.Contains(recommendations, r => r.Explanation == "like the Dress you liked 2 days ago");
        Assert.Contains(recommendations, r => r.Explanation == "like the Bag you bought 5 weeks ago");
    }

    [Fact]
    public void A_reason_names_the_closest_history_product_not_the_heaviest()
    {
        // A sneaker bought today weighs more than one liked 3 days ago, but sneaker-1 looks like sneaker-0.
        var history = new[] { Event("sneaker-0", InteractionKind.Like, daysAgo: 3), Event("sneaker-9", InteractionKind.Purchase, daysAgo: 0.1) };

        var recommendations = Recommender().Recommend(history, 8, Now);

        string WhyOf(string id) => recommendations.Single(r => r.Product.Id == id).Explanation;
        Assert.Equal("like the Sneaker you liked 3 days ago", WhyOf("sneaker-1"));
        Assert.Equal("like the Sneaker you bought today", WhyOf("sneaker-8"));
    }

    [Fact]
    public void A_product_there_only_because_of_the_preferences_says_so_and_not_that_it_is_like_a_bag()
    {
        var history = new[] { Event("bag-2", InteractionKind.Like, daysAgo: 0.2) };
        var preferences = new ShopperPreferences(new HashSet<string> { "Sneaker" });

        var recommendations = Recommender().Recommend(history, 8, Now, preferences);

        Assert.Equal(8, recommendations.Count);
        Assert.All(recommendations, r => Assert.Equal("Sneaker", r.Product.Category));
        Assert.All(recommendations, r => Assert.Equal("from your preferences (Sneaker); nearest to the Bag you liked today", r.Explanation));

        // With a sneaker in the history too, the sneakers are like that sneaker.
        var both = Recommender().Recommend([.. history, Event("sneaker-4", InteractionKind.Like, daysAgo: 5)], 8, Now, preferences);
        Assert.All(both, r => Assert.Equal("like the Sneaker you liked 5 days ago", r.Explanation));
    }

    [Fact]
    public void A_shopper_without_history_gets_popular_products_across_categories()
    {
        var popularity = new Dictionary<string, int> { ["bag-4"] = 9, ["bag-7"] = 5, ["dress-2"] = 3 };

        var recommendations = Recommender().Recommend([], 6, Now, popularity: popularity);

        Assert.Equal("bag-4", recommendations[0].Product.Id);
        Assert.Equal("popular in Bag", recommendations[0].Explanation);
        Assert.Equal(3, recommendations.Select(r => r.Product.Category).Distinct().Count());
        Assert.Equal(["Bag", "Dress", "Sneaker", "Bag", "Dress", "Sneaker"], recommendations.Select(r => r.Product.Category));
    }
}

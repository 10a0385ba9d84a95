using Lookbook.Index;
using Lookbook.Learning;

namespace Lookbook.Search;

/// <summary>
/// Ranks a catalog for an embedded photo, steered by the catalog's trained head when there is one:
/// prediction, learned space, category boost or restriction, and the no-good-match cut. Pure logic over the
/// catalog, shared by live search and evaluation so that what is measured is what shoppers get.
/// </summary>
public static class PhotoRanking
{
    public static PhotoSearchResult Run(SearchableCatalog catalog, PredictedCategoryUse use, float[] vector, SearchRequest request, bool applyNoMatch = true)
    {
        catalog.EnsureKnownAttributes(request); // a misspelt filter is an error even when no product would pass anyway
        var trained = catalog.Head;
        var filtered = request.CategoryFilter is not null || request.Attributes is not null;
        if (trained is null)
        {
            var plain = catalog.Search(vector, request);
            // Unfiltered, the first result is the nearest product: no second scan for it.
            var nearest = !filtered ? (plain.Count > 0 ? plain[0].Similarity : 0f) : catalog.BestSimilarity(vector);
            return new PhotoSearchResult(plain, null, false, nearest);
        }

        var head = trained.Head;
        var probabilities = head.Predict(vector);
        var (category, confidence, noProduct) = head.ClassifyProduct(vector);
        var prediction = new CategoryPrediction(category, confidence);
        if (applyNoMatch && noProduct > 0.5f)
        {
            // The head sees no product at all (a wall, a landscape, noise): nothing to rank.
            return new PhotoSearchResult([], null, true, 0f);
        }

        var query = catalog.ToSearchSpace(vector);

        // An explicit category, or "any", overrides the prediction.
        var steer = request.CategoryFilter is null && !request.IsAnyCategory;
        var restrict = steer && use == PredictedCategoryUse.Restrict;
        var boost = steer && use == PredictedCategoryUse.Boost ? trained.CategoryBoost : 0f;
        var classIndex = head.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        float Bonus(string category) => classIndex.TryGetValue(category, out var i) ? probabilities[i] : 0f;

        if (!filtered && !restrict)
        {
            // One scan serves both the no-good-match check and the ranking (the hot path).
            var candidates = catalog.Nearest(query, boost > 0 ? BoostedRanking.CandidateCount(request.K) : request.K);
            var nearest = candidates.Count > 0 ? candidates[0].Similarity : 0f;
            return applyNoMatch && nearest < trained.NoMatchThreshold
                ? new PhotoSearchResult([], prediction, true, nearest)
                : new PhotoSearchResult(catalog.FromCandidates(candidates, request.K, Bonus, boost), prediction, false, nearest);
        }

        var bestSimilarity = catalog.BestSimilarity(query);
        if (applyNoMatch && bestSimilarity < trained.NoMatchThreshold)
        {
            return new PhotoSearchResult([], prediction, true, bestSimilarity);
        }

        var hits = restrict
            ? catalog.Search(query, request, restrictToCategory: prediction.Category)
            : catalog.Search(query, request, categoryBonus: boost > 0 ? Bonus : null, boost: boost);
        return new PhotoSearchResult(hits, prediction, false, bestSimilarity);
    }
}

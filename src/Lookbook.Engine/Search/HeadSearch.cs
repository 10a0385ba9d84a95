using Lookbook.Core.Learning;
using Lookbook.Core.Search;

namespace Lookbook.Engine.Search;

/// <summary>
/// A search of a snapshot with an embedded photo, steered by the trained head when there is one:
/// prediction, learned space, category boost or restriction, and the no-good-match cut. Shared by live
/// search and evaluation so that what is measured is what shoppers get.
/// </summary>
public static class HeadSearch
{
    public static PhotoSearchResult Run(
        CatalogSnapshot snapshot, TrainedHead? trained, PredictedCategoryUse use, float[] vector, SearchRequest request, bool applyNoMatch = true)
    {
        if (trained is null)
        {
            return new PhotoSearchResult(snapshot.Search(vector, request), null, false, snapshot.BestSimilarity(vector));
        }

        var head = trained.Head;
        var probabilities = head.Predict(vector);
        var best = Array.IndexOf(probabilities, probabilities.Max());
        var prediction = new CategoryPrediction(head.Classes[best], probabilities[best]);
        var query = trained.RetrievalSpace == RetrievalSpace.Hidden ? head.Embed(vector) : vector;
        var bestSimilarity = snapshot.BestSimilarity(query);
        if (applyNoMatch && bestSimilarity < trained.NoMatchThreshold)
        {
            return new PhotoSearchResult([], prediction, true, bestSimilarity);
        }

        // An explicit category, or "any", overrides the prediction.
        var steer = request.CategoryFilter is null && !request.IsAnyCategory;
        var classIndex = head.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var hits = steer && use == PredictedCategoryUse.Restrict
            ? snapshot.Search(query, request, restrictToCategory: prediction.Category)
            : steer && use == PredictedCategoryUse.Boost
                ? snapshot.Search(query, request, categoryBonus: c => classIndex.TryGetValue(c, out var i) ? probabilities[i] : 0f, boost: trained.CategoryBoost)
                : snapshot.Search(query, request);
        return new PhotoSearchResult(hits, prediction, false, bestSimilarity);
    }
}

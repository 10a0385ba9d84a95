using Lookbook.Catalog;
using Lookbook.Learning;

namespace Lookbook.Search;

/// <summary>
/// Ranks a catalog for an embedded photo, steered by the catalog's trained head when there is one:
/// prediction (category and colour), learned space, category and colour boost (<see cref="PhotoSteering"/>) or
/// restriction, and the no-good-match cut. Pure logic over the catalog, shared by live search and evaluation so that
/// what is measured is what shoppers get.
/// </summary>
public static class PhotoRanking
{
    /// <param name="colourDescriptor">The photo's <see cref="Vision.Images.ColourDescriptor"/> when its pixels are at hand; a
    /// colour head that reads one leaves a photo without it unsteered by colour and unnamed.</param>
    public static PhotoSearchResult Run(
        SearchableCatalog catalog, PredictedCategoryUse use, float[] vector, SearchRequest request, bool applyNoMatch = true, float[]? colourDescriptor = null)
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
        // Named and compared as a catalog shot or as a phone photo, as far as it looks like either (ShotAwareCategories,
        // TrainedHead.ToQuerySpace).
        var shot = trained.CatalogShotProbability(vector);
        var probabilities = trained.Categories.Predict(vector, shot);
        var (category, confidence, noProduct) = head.BestProduct(probabilities);
        var prediction = new CategoryPrediction(category, confidence);
        var colourProbabilities = trained.Colour?.Probabilities(vector, colourDescriptor);
        var colour = colourProbabilities is null ? null : trained.Colour!.PredictionFrom(colourProbabilities);
        if (applyNoMatch && noProduct > 0.5f)
        {
            // The head sees no product at all (a wall, a landscape, noise): nothing to rank.
            return new PhotoSearchResult([], null, true, 0f);
        }

        var query = trained.ToQuerySpace(vector, shot);

        // An explicit category, or "any", overrides the prediction.
        var steer = request.CategoryFilter is null && !request.IsAnyCategory;
        var restrict = steer && use == PredictedCategoryUse.Restrict;
        var boost = steer && use == PredictedCategoryUse.Boost ? trained.CategoryBoostFor(shot) : 0f;
        // Colour steers within the category the photo likely shows, or the one asked for or restricted to; "any" and Off
        // ask for similarity alone.
        var colourBoost = !request.IsAnyCategory && use != PredictedCategoryUse.Off ? trained.Colour?.BoostFor(shot) ?? 0f : 0f;
        var steering = new PhotoSteering(head, probabilities, boost, categoryFixed: !steer || restrict, trained.Colour, colourProbabilities, colourBoost);
        Func<Product, float>? bonus = steering.IsActive ? steering.Bonus : null;

        if (!filtered && !restrict)
        {
            // One scan serves both the no-good-match check and the ranking (the hot path).
            var candidates = catalog.Nearest(query, steering.IsActive ? steering.CandidateCount(request.K) : request.K);
            var nearest = candidates.Count > 0 ? candidates[0].Similarity : 0f;
            return applyNoMatch && nearest < trained.NoMatchThreshold
                ? new PhotoSearchResult([], prediction, true, nearest) { Colour = colour }
                : new PhotoSearchResult(catalog.FromCandidates(candidates, request.K, bonus), prediction, false, nearest) { Colour = colour };
        }

        var bestSimilarity = catalog.BestSimilarity(query);
        if (applyNoMatch && bestSimilarity < trained.NoMatchThreshold)
        {
            return new PhotoSearchResult([], prediction, true, bestSimilarity) { Colour = colour };
        }

        var hits = catalog.Search(query, request, bonus: bonus, candidates: steering.CandidateCount(request.K), restrictToCategory: restrict ? prediction.Category : null);
        return new PhotoSearchResult(hits, prediction, false, bestSimilarity) { Colour = colour };
    }
}

using Lookbook.Learning;
using Lookbook.Learning.Localization;

namespace Lookbook.Search;

/// <summary>What the trained head thinks the photo shows.</summary>
public sealed record CategoryPrediction(string Category, float Confidence);

/// <summary>
/// The answer to a photo search. <see cref="NoGoodMatch"/> is set (and <see cref="Hits"/> empty) when even
/// the best match is below the similarity that 99% of genuine catalog photos reach.
/// </summary>
public sealed record PhotoSearchResult(IReadOnlyList<SearchHit> Hits, CategoryPrediction? Prediction, bool NoGoodMatch, float BestSimilarity)
{
    /// <summary>The garments found on the photo, best first (empty: none found, or the catalog has no localization).</summary>
    public IReadOnlyList<DetectedItem> Items { get; init; } = [];

    /// <summary>Index into <see cref="Items"/> of the item searched (null: the whole photo, or the shopper's own crop).</summary>
    public int? SearchedItem { get; init; }

    /// <summary>The colour the photo most likely shows (null without a colour head); show it only when <see cref="ColourPrediction.IsConfident"/>.</summary>
    public ColourPrediction? Colour { get; init; }
}

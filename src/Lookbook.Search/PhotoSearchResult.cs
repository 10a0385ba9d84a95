using Lookbook.Learning;

namespace Lookbook.Search;

/// <summary>What the trained head thinks the photo shows.</summary>
public sealed record CategoryPrediction(string Category, float Confidence);

/// <summary>
/// The answer to a photo search. <see cref="NoGoodMatch"/> is set (and <see cref="Hits"/> empty) when even
/// the best match is below the similarity that 99% of genuine catalog photos reach.
/// </summary>
public sealed record PhotoSearchResult(IReadOnlyList<SearchHit> Hits, CategoryPrediction? Prediction, bool NoGoodMatch, float BestSimilarity)
{
    /// <summary>The colour the photo most likely shows (null without a colour head); show it only when <see cref="ColourPrediction.IsConfident"/>.</summary>
    public ColourPrediction? Colour { get; init; }
}

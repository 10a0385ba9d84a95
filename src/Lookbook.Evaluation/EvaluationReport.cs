using Lookbook.Learning;

namespace Lookbook.Evaluation;

/// <summary>Retrieval quality at one cut-off, averaged over the queries.</summary>
public sealed record RetrievalScores(int K, double PrecisionAtK, double RecallAtK, double MapAtK, double NdcgAtK);

/// <summary>Retrieval quality where "relevant" means the same value of a product attribute (e.g. subCategory, baseColour).</summary>
public sealed record FacetScores(string Attribute, int K, double PrecisionAtK, double MapAtK);

/// <summary>How well the colour head names the colour of the queries (those with a value of <paramref name="Attribute"/>).</summary>
/// <param name="Accuracy">Share predicted right; colours the head never learned count as wrong.</param>
/// <param name="ShownShare">Share confident enough to be shown ("looks like: Black Tshirts").</param>
/// <param name="ShownAccuracy">Share of the shown ones that are right.</param>
public sealed record ColourPredictionScores(string Attribute, int Queries, double Accuracy, double ShownShare, double ShownAccuracy);

/// <summary>Where the time went, per query.</summary>
public sealed record EvaluationTimings(double TotalSeconds, double EmbedMsPerQuery, double SearchMsPerQuery);

/// <summary>Everything <c>lookbook evaluate</c> measured.</summary>
/// <param name="Setup">What was evaluated against what, in words.</param>
/// <param name="Classification">Null when no head is trained.</param>
/// <param name="NoGoodMatchRate">Share of genuine queries the no-good-match threshold would turn away.</param>
public sealed record EvaluationReport(
    string Setup,
    string Model,
    string? Head,
    int Queries,
    int GallerySize,
    ClassificationReport? Classification,
    IReadOnlyList<RetrievalScores> Retrieval,
    IReadOnlyList<FacetScores> Facets,
    double NoGoodMatchRate,
    EvaluationTimings Timings,
    DateTimeOffset CreatedAt)
{
    /// <summary>Shopper-like photos of catalog products and images of no product (null when not measured).</summary>
    public ShopperPhotoReport? ShopperPhotos { get; init; }

    /// <summary>The queries rotated, noisy, blurred, cropped and photographed, as served (null when not measured).</summary>
    public TransformedQueryReport? TransformedQueries { get; init; }

    /// <summary>The colour head's predictions for the queries (null without a colour head or queries with colours).</summary>
    public ColourPredictionScores? ColourPrediction { get; init; }
}

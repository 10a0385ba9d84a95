namespace Lookbook.Learning;

/// <summary>
/// The colour head's pieces that do not need the catalog: which colours are learned, the classifier's training, and the
/// two choices made on validation (the colour's weight in ranking, the confidence from which a prediction is shown).
/// <see cref="HeadTrainer"/> and the hold-out evaluation both train through here.
/// </summary>
public static class ColourHeadTrainer
{
    /// <summary>Training products a colour needs to be learned; rarer colours are never predicted and never steer.</summary>
    public const int MinExamples = 20;

    /// <summary>Category precision@10 (catalog shots of held-out products) a colour weight may cost.</summary>
    public const double CategoryTolerance = 0.005;

    /// <summary>Exact-product MRR@10 (shopper photos of held-out products) a colour weight may cost.</summary>
    public const double ShopperTolerance = 0.01;

    /// <summary>Shown predictions must be right at least this often on validation.</summary>
    public const double ShownAccuracy = 0.8;

    /// <summary>Colour weights tried on validation; the first, 0, is search without colour.</summary>
    public static readonly float[] Boosts = [0f, 0.1f, 0.25f, 0.5f, 1f];

    // Confidences tried as the threshold for showing a prediction, lowest first: 0.30, 0.35, … 0.95.
    private static readonly float[] Thresholds = [.. Enumerable.Range(6, 14).Select(i => i / 20f)];

    // Values catalogs use for "no colour given" (Kaggle's styles.csv says NA).
    private static readonly HashSet<string> Missing = new(["", "NA", "N/A", "none", "unknown"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The colours worth learning, in ordinal order: values with at least <see cref="MinExamples"/> training products; empty when fewer than two.</summary>
    public static IReadOnlyList<string> Colours(IEnumerable<string?> trainingColours)
    {
        var colours = trainingColours.OfType<string>().Where(c => !Missing.Contains(c.Trim()))
            .GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() >= MinExamples)
            .Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        return colours.Count >= 2 ? colours : [];
    }

    /// <summary>
    /// The colour classifier: an <see cref="MlpHead"/> over backbone vectors, early-stopped on the validation vectors.
    /// Examples of colours not in <paramref name="colours"/> are left out.
    /// </summary>
    public static TrainingResult Train(
        IReadOnlyList<string> colours,
        IReadOnlyList<(float[] Vector, string? Colour)> train,
        IReadOnlyList<(float[] Vector, string? Colour)> validation,
        TrainingOptions options,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var index = colours.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var known = (IReadOnlyList<(float[] Vector, string? Colour)> examples) => examples.Where(e => e.Colour is not null && index.ContainsKey(e.Colour)).ToList();
        var learned = known(train);
        var held = known(validation);
        return MlpTrainer.Train(colours, [.. learned.Select(e => e.Vector)], [.. learned.Select(e => index[e.Colour!])],
            [.. held.Select(e => e.Vector)], [.. held.Select(e => index[e.Colour!])], options, progress, cancellationToken);
    }

    /// <summary>
    /// The colour weight search ranks with: the one with the best mean of category and colour precision@10, among those
    /// that cost at most <see cref="CategoryTolerance"/> of the category precision and <see cref="ShopperTolerance"/> of
    /// the shopper-photo MRR that search without colour (the first tried, weight 0) reaches.
    /// </summary>
    public static float ChooseBoost(IReadOnlyList<ColourBoostScore> tried)
    {
        var off = tried[0];
        if (off.Boost != 0)
        {
            throw new ArgumentException("The first weight tried must be 0 (search without colour).", nameof(tried));
        }

        return tried
            .Where(t => t.CategoryPrecisionAt10 >= off.CategoryPrecisionAt10 - CategoryTolerance
                && (t.ShopperMrrAt10 is null || off.ShopperMrrAt10 is null || t.ShopperMrrAt10 >= off.ShopperMrrAt10 - ShopperTolerance))
            .MaxBy(t => t.CategoryPrecisionAt10 + t.ColourPrecisionAt10)!.Boost;
    }

    /// <summary>
    /// The lowest confidence from which predictions are right at least <see cref="ShownAccuracy"/> of the time on
    /// validation photos; null when none is (a colour is then never shown).
    /// </summary>
    public static float? CalibrateConfidence(IReadOnlyList<(float Confidence, bool Right)> predictions)
    {
        foreach (var threshold in Thresholds)
        {
            var shown = predictions.Where(p => p.Confidence >= threshold).ToList();
            if (shown.Count > 0 && shown.Count(p => p.Right) >= ShownAccuracy * shown.Count)
            {
                return threshold;
            }
        }

        return null;
    }
}

namespace Lookbook.Learning;

/// <summary>
/// A photo's category probabilities as search uses them: from the category head (<see cref="Head"/>, learned from
/// catalog shots, their augmented copies, shopper photos and images of no product) and, the more the photo looks like a
/// catalog shot (<see cref="Shots"/>), averaged with a head learned from catalog shots and their augmented copies alone
/// (<see cref="CatalogShots"/>). One head learning both kinds of photo gives up a little on studio shots for a lot on phone
/// photos (Fashion-MNIST test accuracy 0.9177 learned from catalog shots alone, 0.9155 with shopper photos).
/// Averaged, not replaced (<see cref="CatalogShotWeight"/>): to the shot classifier a noisy, blurred or cropped
/// Fashion-MNIST query is a catalog shot too, and there the category head is the surer one (first 3,000 test queries, the
/// catalog-shot head one network: noisy 0.844 by the category head, 0.814 by the catalog-shot head, 0.832 averaged; clean
/// 0.918, 0.920, 0.919).
/// The probability of <see cref="MlpHead.NoProduct"/> is always the category head's: only it learned what no product looks like.
/// </summary>
public sealed class ShotAwareCategories
{
    /// <summary>The catalog-shot head's share of a photo that is surely a catalog shot (its share is this times the photo's catalog-shot probability).</summary>
    public const float CatalogShotWeight = 0.5f;

    private readonly int _noProduct;

    /// <param name="catalogShots">Null: <see cref="Head"/> names every photo. Its classes are the head's product classes, in order.</param>
    /// <param name="shots">The catalog-shot-or-shopper-photo classifier; null: <see cref="Head"/> names every photo.</param>
    public ShotAwareCategories(MlpHead head, MlpHead? catalogShots, MlpHead? shots)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (catalogShots is not null && !Fits(head, catalogShots))
        {
            throw new ArgumentException("The catalog-shot category head must take the same input and name the same product categories as the category head.", nameof(catalogShots));
        }

        Head = head;
        CatalogShots = shots is null ? null : catalogShots;
        Shots = shots;
        _noProduct = IndexOf(head.Classes, MlpHead.NoProduct);
    }

    /// <summary>The category head: its classes are the probabilities' order.</summary>
    public MlpHead Head { get; }

    public MlpHead? CatalogShots { get; }

    public MlpHead? Shots { get; }

    public IReadOnlyList<string> Classes => Head.Classes;

    /// <summary>Whether <paramref name="catalogShots"/> can stand in for <see cref="Head"/> on catalog shots.</summary>
    public static bool Fits(MlpHead head, MlpHead catalogShots) =>
        catalogShots.InputSize == head.InputSize
        && catalogShots.Classes.SequenceEqual(head.Classes.Where(c => c != MlpHead.NoProduct), StringComparer.Ordinal);

    /// <summary>Probabilities in <see cref="Classes"/> order for a photo's backbone vector.</summary>
    public float[] Predict(ReadOnlySpan<float> vector) => Predict(vector, Shots?.Predict(vector)[0]);

    /// <summary>The same with the photo's catalog-shot probability already computed (null: the category head alone).</summary>
    public float[] Predict(ReadOnlySpan<float> vector, float? catalogShotProbability)
    {
        var probabilities = Head.Predict(vector);
        if (CatalogShots is null || catalogShotProbability is not { } shot || !(shot > 0))
        {
            return probabilities;
        }

        var weight = CatalogShotWeight * Math.Min(shot, 1f);
        var catalog = CatalogShots.Predict(vector);
        // The product classes share what the category head leaves to products; the no-product class keeps its probability.
        var productShare = _noProduct < 0 ? 1f : 1f - probabilities[_noProduct];
        for (int c = 0, k = 0; c < probabilities.Length; c++)
        {
            if (c != _noProduct)
            {
                probabilities[c] = ((1 - weight) * probabilities[c]) + (weight * productShare * catalog[k++]);
            }
        }

        return probabilities;
    }

    /// <summary>The most likely product category, its probability, and the probability that the photo shows no product.</summary>
    public (string Class, float Confidence, float NoProductProbability) ClassifyProduct(ReadOnlySpan<float> vector) => Head.BestProduct(Predict(vector));

    /// <summary>The most likely class (<see cref="MlpHead.NoProduct"/> included) and its probability.</summary>
    public (string Class, float Confidence) Classify(ReadOnlySpan<float> vector)
    {
        var probabilities = Predict(vector);
        var best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities);
        return (Classes[best], probabilities[best]);
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}

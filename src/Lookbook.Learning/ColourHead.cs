namespace Lookbook.Learning;

/// <summary>
/// Which colour a photo shows: a classifier over the same backbone vector as the category head, trained on the values
/// of a product attribute (<c>baseColour</c> in Kaggle's <c>styles.csv</c>). Search uses it twice: results whose
/// labelled colour the photo likely shows rise (<see cref="PhotoSteering"/>, weight <see cref="BoostFor"/>), and a photo
/// is described by its colour when the prediction is confident enough (<see cref="ConfidenceThreshold"/>).
/// </summary>
/// <param name="Classifier">The MLP; its classes are the colours it learned (each with enough training products).</param>
/// <param name="Attribute">The product attribute holding a product's colour.</param>
/// <param name="Boost">Weight of the colour in ranking, chosen on validation (0: the colour does not steer ranking).</param>
/// <param name="ConfidenceThreshold">Confidence from which a prediction is shown, calibrated on validation; null: never.</param>
public sealed record ColourHead(MlpHead Classifier, string Attribute, float Boost, float? ConfidenceThreshold)
{
    public IReadOnlyList<string> Colours => Classifier.Classes;

    /// <summary>The class of <see cref="TrainedHead.Shots"/> for a catalog-like shot (the other is <see cref="ShopperPhotoClass"/>).</summary>
    public const string CatalogShotClass = "catalog shot";

    public const string ShopperPhotoClass = "shopper photo";

    /// <summary>
    /// Floats of the photo's pixel colour descriptor (<see cref="Vision.Images.ColourDescriptor"/>) the classifier reads after
    /// the backbone vector; 0: the vector alone (heads trained before the descriptor).
    /// </summary>
    public int DescriptorSize { get; init; }

    /// <summary>What training measured (null for a head made without its validation, e.g. by the hold-out evaluation).</summary>
    public ColourMetrics? Metrics { get; init; }

    /// <summary>
    /// The colour's weight in ranking a photo: <see cref="Boost"/> × the probability that it is a catalog-like shot
    /// (<see cref="TrainedHead.CatalogShotProbability"/>; null: colour steers every photo alike). On a phone photo the colour
    /// head is right less than half the time, and steering by a wrong colour pushes the very product the shopper photographed
    /// down (exact-product MRR@10 of medium shopper photos fell from 0.61 to 0.52 at the smallest weight tried, to 0.30 at
    /// the largest).
    /// </summary>
    public float BoostFor(float? catalogShotProbability) => Boost * (catalogShotProbability ?? 1f);

    /// <summary>
    /// What the classifier reads for a photo: its backbone vector, then its colour descriptor when the head takes one.
    /// Null when the head needs a descriptor and none is given (a search by vector alone): its colour is then unknown.
    /// </summary>
    public float[]? Input(float[] vector, float[]? descriptor) => InputOf(vector, descriptor, DescriptorSize);

    /// <summary><see cref="Input"/> of a head reading <paramref name="descriptorSize"/> descriptor floats (training builds its examples with it).</summary>
    public static float[]? InputOf(float[] vector, float[]? descriptor, int descriptorSize)
    {
        if (descriptorSize == 0)
        {
            return vector;
        }

        if (descriptor is null)
        {
            return null;
        }

        if (descriptor.Length != descriptorSize)
        {
            throw new ArgumentException($"The colour head reads {descriptorSize} descriptor floats; got {descriptor.Length}.", nameof(descriptor));
        }

        return [.. vector, .. descriptor];
    }

    /// <summary>Each colour's probability for a photo (null: its colour is unknown, see <see cref="Input"/>).</summary>
    public float[]? Probabilities(float[] vector, float[]? descriptor) => Input(vector, descriptor) is { } input ? Classifier.Predict(input) : null;

    /// <summary>The most likely colour of a photo and whether it is confident enough to show (null: unknown, see <see cref="Input"/>).</summary>
    public ColourPrediction? Predict(float[] vector, float[]? descriptor) =>
        Probabilities(vector, descriptor) is { } probabilities ? PredictionFrom(probabilities) : null;

    /// <summary>The prediction <see cref="Probabilities"/> make (search has them already: no second run of the classifier).</summary>
    public ColourPrediction PredictionFrom(float[] probabilities)
    {
        var best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities);
        var confidence = probabilities[best];
        return new ColourPrediction(Colours[best], confidence, ConfidenceThreshold is { } threshold && confidence >= threshold);
    }
}

/// <summary>The colour a photo most likely shows.</summary>
/// <param name="IsConfident">Whether <paramref name="Confidence"/> reaches the calibrated threshold (only then is it shown).</param>
public sealed record ColourPrediction(string Colour, float Confidence, bool IsConfident);

/// <summary>What was measured when the colour head was trained.</summary>
/// <param name="Accuracy">Catalog shots of held-out products (validation split) whose colour is predicted right, unlearned colours counted wrong.</param>
/// <param name="ShopperPhotoAccuracy">The same for synthesised shopper photos (medium) of held-out products; null when none were made.</param>
/// <param name="ConfidentShare">Share of those photos (catalog shots and shopper photos) confident enough to show.</param>
/// <param name="ConfidentAccuracy">Share of the shown predictions that are right.</param>
/// <param name="Boosts">Each colour weight tried on validation.</param>
public sealed record ColourMetrics(
    int Colours,
    int TrainingExamples,
    int BestEpoch,
    double Accuracy,
    double? ShopperPhotoAccuracy,
    double ConfidentShare,
    double ConfidentAccuracy,
    IReadOnlyList<ColourBoostScore> Boosts);

/// <summary>How one colour weight did on validation.</summary>
/// <param name="CategoryPrecisionAt10">Held-out products' catalog shots searched against the training products: share of the first ten of their category.</param>
/// <param name="ColourPrecisionAt10">The same, of their colour.</param>
/// <param name="ShopperMrrAt10">Shopper photos (medium) of held-out products against the whole catalog: exact-product MRR@10 (null: not measured).</param>
public sealed record ColourBoostScore(float Boost, double CategoryPrecisionAt10, double ColourPrecisionAt10, double? ShopperMrrAt10);

using System.Text.Json;
using System.Text.Json.Serialization;
using Lookbook.Learning.Localization;
using Lookbook.Vision.Images;

namespace Lookbook.Learning;

/// <summary>Which vectors the catalog is searched with once a head is trained.</summary>
public enum RetrievalSpace
{
    /// <summary>The backbone's embedding, as stored.</summary>
    Raw,

    /// <summary>The head's hidden layer (learned from the labels).</summary>
    Hidden,

    /// <summary>The <see cref="ShopperProjection"/> (learned from shopper photos of the catalog's products).</summary>
    Projected,
}

/// <summary>How one retrieval space did on validation.</summary>
/// <param name="Name">raw, hidden, projected, or projected+raw α (the projection blended with the raw vectors).</param>
public sealed record SpaceScore(string Name, RetrievalSpace Space, float RawWeight, double CategoryMapAt10, double? ShopperMrrAt10);

/// <summary>What was measured on the held-out validation split when the head was trained.</summary>
public sealed record HeadMetrics(
    double ValidationAccuracy,
    double ValidationMacroF1,
    double RawMapAt10,
    double HiddenMapAt10,
    int TrainingExamples,
    int ValidationExamples,
    int AugmentedCopies,
    int BestEpoch,
    double TrainingSeconds)
{
    /// <summary>Share of synthesised shopper photos (a third of each strength) that search lets through as served (null: not measured).</summary>
    public double? ShopperPhotosAccepted { get; init; }

    /// <summary>Share of images of no product (textures, scenes, plain surfaces, noise) it turns away (null: not measured).</summary>
    public double? UnrelatedRejected { get; init; }

    /// <summary>
    /// Each retrieval space tried on validation: category mAP@10 of held-out catalog shots, and exact-product MRR@10 of
    /// shopper photos (medium strength) of held-out products searched against the whole catalog (null: not measured).
    /// </summary>
    public IReadOnlyList<SpaceScore>? Spaces { get; init; }

    /// <summary>In the space chosen, shopper photos of held-out products whose product comes first / in the first ten.</summary>
    public double? ShopperRecallAt1 { get; init; }

    public double? ShopperRecallAt10 { get; init; }

    /// <summary>Epoch the projection was kept from (null without a projection).</summary>
    public int? ProjectionEpoch { get; init; }

    /// <summary>
    /// Localization on shopper photos of held-out products: share of feature-map cells told right (garment and
    /// background weighed equally), and share of photos whose best item's box overlaps the product's by IoU ≥ 0.5
    /// (null: no localization learned).
    /// </summary>
    public double? ObjectnessBalancedAccuracy { get; init; }

    public double? LocalizationHitRate { get; init; }

    /// <summary>Held-out catalog shots and shopper photos that <see cref="TrainedHead.Shots"/> tells apart right (null: none trained).</summary>
    public double? ShotAccuracy { get; init; }

    /// <summary>
    /// The validation score that chose <see cref="TrainedHead.CatalogShotRawWeight"/> and <see cref="TrainedHead.CatalogShotCategoryBoost"/>
    /// for held-out catalog shots as served: category precision@10 with a colour head, else category mAP@10 (null: not chosen).
    /// </summary>
    public double? CatalogShotScore { get; init; }
}

/// <summary>
/// A trained head with what it needs to be used safely: the embedding fingerprint its inputs came from,
/// the retrieval space and category boost chosen on validation data, and the calibrated "no good match"
/// similarity threshold; the shopper-photo projection and the colour head when they were trained. Saved as JSON beside the
/// catalog database.
/// </summary>
public sealed record TrainedHead(
    MlpHead Head,
    string EmbeddingFingerprint,
    RetrievalSpace RetrievalSpace,
    float CategoryBoost,
    float NoMatchThreshold,
    HeadMetrics Metrics,
    TrainingOptions Options,
    DateTimeOffset TrainedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The learned map into the shopper-photo space (null: none trained); searched with when <see cref="RetrievalSpace"/> is Projected.</summary>
    public ShopperProjection? Projection { get; init; }

    /// <summary>Which colour a photo shows and how much that steers ranking (null: the catalog has no colours, or none was trained).</summary>
    public ColourHead? Colour { get; init; }

    /// <summary>
    /// Tells a catalog-like shot (a product on a plain studio background) from a shopper's photo (null: none trained, as
    /// without shopper photos). Two things depend on it: how a photo is compared (<see cref="ToQuerySpace(float[])"/>) and how much
    /// its predicted colour steers (<see cref="ColourHead.BoostFor"/>).
    /// </summary>
    public MlpHead? Shots { get; init; }

    /// <summary>
    /// Category head learned from catalog shots alone (the training products' own and their augmented copies), averaged
    /// with <see cref="Head"/> the more a photo looks like a catalog shot (null: <see cref="Head"/> alone names every photo).
    /// See <see cref="Categories"/>.
    /// </summary>
    public MlpHead? CatalogShotCategories { get; init; }

    /// <summary>What names a photo's category and steers its ranking: <see cref="Head"/>, averaged with <see cref="CatalogShotCategories"/> for catalog-like shots.
    /// Built on each call (cheap) rather than cached: a cache would survive a <c>with</c> that changes the heads.</summary>
    public ShotAwareCategories Categories => new(Head, CatalogShotCategories, Shots);

    /// <summary>
    /// The catalog's shots are light garments on black (Fashion-MNIST), measured on its images at training: a photo on a
    /// light surface is then searched as one of them (<see cref="PhotoPolarity.AsNegativeOnBlack"/>), in training's
    /// shopper views as in live search.
    /// </summary>
    public bool NegativeCatalog { get; init; }

    /// <summary>Finds garments on a photo's feature map (null: none learned; photos are searched whole).</summary>
    public ObjectnessModel? Objectness { get; init; }

    /// <summary>What searches a photo's items with this head (null without localization).</summary>
    public PhotoLocator? Locator => Objectness is { } objectness ? new PhotoLocator(objectness, Categories) : null;

    /// <summary>Dimension of the vectors the index holds for this head.</summary>
    public int SearchDimension => RetrievalSpace switch
    {
        RetrievalSpace.Hidden => Head.HiddenSize,
        RetrievalSpace.Projected => Projection!.OutputSize,
        _ => Head.InputSize,
    };

    /// <summary>A stored (backbone) vector in the space the catalog is searched in.</summary>
    public float[] ToSearchSpace(float[] stored) => RetrievalSpace switch
    {
        RetrievalSpace.Hidden => Head.Embed(stored),
        RetrievalSpace.Projected => Projection!.Apply(stored),
        _ => stored,
    };

    /// <summary>The probability that a photo (by its backbone vector) is a catalog-like shot; null without <see cref="Shots"/>.</summary>
    public float? CatalogShotProbability(ReadOnlySpan<float> vector) => Shots?.Predict(vector)[0];

    /// <summary>
    /// Raw weight a catalog-like shot is compared with when the catalog is stored as a blend of the projection and the raw
    /// vectors (null: the stored blend for every photo); chosen on validation. See <see cref="ToQuerySpace(float[])"/>.
    /// </summary>
    public float? CatalogShotRawWeight { get; init; }

    /// <summary>
    /// Category boost for a catalog-like shot (null: <see cref="CategoryBoost"/> for every photo); chosen on validation.
    /// A shopper who sends a studio shot browses what looks alike, where the category counts; a phone photo is most often
    /// a search for the very product, which a strong boost pushes down when the category is unsure. See <see cref="CategoryBoostFor(float?)"/>.
    /// </summary>
    public float? CatalogShotCategoryBoost { get; init; }

    /// <summary>
    /// The category boost for a photo: from <see cref="CategoryBoost"/> (a phone photo) toward
    /// <see cref="CatalogShotCategoryBoost"/> (a catalog-like shot) by <paramref name="catalogShotProbability"/>.
    /// </summary>
    public float CategoryBoostFor(float? catalogShotProbability) => CategoryBoostFor(CategoryBoost, CatalogShotCategoryBoost, catalogShotProbability);

    /// <summary>The formula of <see cref="CategoryBoostFor(float?)"/>, for training to try boosts with before a head exists.</summary>
    internal static float CategoryBoostFor(float boost, float? catalogShotBoost, float? catalogShotProbability) =>
        catalogShotBoost is { } shotBoost && catalogShotProbability is { } p
            ? boost + ((shotBoost - boost) * Math.Clamp(p, 0f, 1f))
            : boost;

    /// <summary>
    /// A photo's backbone vector as a query against the stored <see cref="ToSearchSpace"/> vectors. When the catalog is
    /// stored as a blend of the projection and the raw vectors, the blend may be chosen per photo: the more it looks like a
    /// catalog shot, the closer its raw weight to <see cref="CatalogShotRawWeight"/>. The projection learned to match a phone
    /// photo with its product's studio shot; between two studio shots it can blur what the backbone already tells apart
    /// (Fashion-MNIST: category mAP@10 0.921 raw, 0.915 for the blend chosen), so `lookbook train` decides on validation
    /// how catalog-like photos are compared. Otherwise the same as <see cref="ToSearchSpace"/>.
    /// </summary>
    public float[] ToQuerySpace(float[] vector) => ToQuerySpace(vector, CatalogShotProbability(vector));

    /// <summary><see cref="ToQuerySpace(float[])"/> with the photo's <see cref="CatalogShotProbability"/> already computed (search needs it for the boosts too).</summary>
    public float[] ToQuerySpace(float[] vector, float? catalogShotProbability) => RetrievalSpace == RetrievalSpace.Projected
        ? Projection!.ApplyToQuery(vector, catalogShotProbability, CatalogShotRawWeight)
        : ToSearchSpace(vector);

    public void Save(string path)
    {
        var projection = Projection is { } p
            ? new ProjectionFile(p.Size, p.HiddenSize, p.Linear, p.HiddenWeights, p.HiddenBias, p.OutputWeights, p.RawWeight)
            : null;
        var colour = Colour is { } c
            ? new ColourFile(MlpFile.Of(c.Classifier), c.Attribute, c.Boost, c.ConfidenceThreshold, Shots: null, c.Metrics, c.DescriptorSize)
            : null;
        var file = new HeadFileV1(1, [.. Head.Classes], Head.InputSize, Head.HiddenSize, Head.InputMean, Head.InputScale,
            Head.HiddenWeights, Head.HiddenBias, Head.OutputWeights, Head.OutputBias,
            EmbeddingFingerprint, RetrievalSpace, CategoryBoost, NoMatchThreshold, Metrics, Options, TrainedAt, projection, colour,
            Objectness is { } o ? new ObjectnessFile(o.Channels, o.Weights, o.Bias) : null,
            Shots is null ? null : MlpFile.Of(Shots), CatalogShotRawWeight, CatalogShotCategoryBoost,
            CatalogShotCategories is null ? null : MlpFile.Of(CatalogShotCategories), NegativeCatalog);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(file, Json));
        File.Move(temporary, path, overwrite: true); // a reader never sees half a file
    }

    /// <summary>The head saved at <paramref name="path"/>, or null when there is none.</summary>
    public static TrainedHead? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        HeadFileV1 file;
        try
        {
            file = JsonSerializer.Deserialize<HeadFileV1>(File.ReadAllText(path), Json) ?? throw new InvalidDataException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The head file {path} is damaged ({e.Message}). Delete it and run `lookbook train` again.", e);
        }

        if (file.Version != 1)
        {
            throw new InvalidDataException($"The head file {path} has version {file.Version}; this Lookbook reads version 1.");
        }

        var head = new MlpHead(file.Classes, file.InputSize, file.HiddenSize, file.InputMean, file.InputScale,
            file.HiddenWeights, file.HiddenBias, file.OutputWeights, file.OutputBias);
        ShopperProjection? projection;
        ObjectnessModel? objectness;
        ColourHead? colour;
        MlpHead? shots;
        MlpHead? catalogShotCategories;
        try
        {
            projection = file.Projection is { } p
                ? new ShopperProjection(p.Size, p.HiddenSize, p.Linear, p.HiddenWeights, p.HiddenBias, p.OutputWeights, p.RawWeight)
                : null;
            objectness = file.Objectness is { } o ? new ObjectnessModel(o.Channels, o.Weights, o.Bias) : null;
            colour = file.Colour is { } c
                ? new ColourHead(c.Classifier.ToHead(), c.Attribute, c.Boost, c.ConfidenceThreshold) { Metrics = c.Metrics, DescriptorSize = c.DescriptorSize }
                : null;
            // Files written before every head had one keep it in their colour head.
            shots = (file.Shots ?? file.Colour?.Shots)?.ToHead();
            catalogShotCategories = file.CatalogShotCategories?.ToHead();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The head file {path} is damaged ({e.Message}). Delete it and run `lookbook train` again.", e);
        }

        if ((file.RetrievalSpace == RetrievalSpace.Projected && projection is null) || (projection is not null && projection.Size != file.InputSize))
        {
            throw new InvalidDataException($"The head file {path} is damaged (its shopper projection is missing or of the wrong size). Delete it and run `lookbook train` again.");
        }

        if (file.CatalogShotRawWeight is < 0 or > 1 || file.CatalogShotCategoryBoost is < 0 || float.IsNaN(file.CatalogShotRawWeight ?? 0) || float.IsNaN(file.CatalogShotCategoryBoost ?? 0))
        {
            throw new InvalidDataException($"The head file {path} is damaged (a catalog shot's raw weight outside [0, 1] or a negative boost). Delete it and run `lookbook train` again.");
        }

        if (shots is not null && (shots.InputSize != file.InputSize || shots.Classes.Count != 2))
        {
            throw new InvalidDataException($"The head file {path} is damaged (its catalog-shot classifier takes another input size or has other classes). Delete it and run `lookbook train` again.");
        }

        if (catalogShotCategories is not null && !ShotAwareCategories.Fits(head, catalogShotCategories))
        {
            throw new InvalidDataException($"The head file {path} is damaged (its catalog-shot category head takes another input size or names other categories). Delete it and run `lookbook train` again.");
        }

        if (colour is not null && (colour.DescriptorSize < 0 || colour.Classifier.InputSize != file.InputSize + colour.DescriptorSize || string.IsNullOrWhiteSpace(colour.Attribute) || !(colour.Boost >= 0)))
        {
            throw new InvalidDataException($"The head file {path} is damaged (its colour head takes another input size, names no attribute or has a negative weight). Delete it and run `lookbook train` again.");
        }

        return new TrainedHead(head, file.EmbeddingFingerprint, file.RetrievalSpace, file.CategoryBoost, file.NoMatchThreshold,
            file.Metrics, file.Options, file.TrainedAt)
        {
            Projection = projection,
            Colour = colour,
            Objectness = objectness,
            Shots = shots,
            CatalogShotCategories = catalogShotCategories,
            CatalogShotRawWeight = file.CatalogShotRawWeight,
            CatalogShotCategoryBoost = file.CatalogShotCategoryBoost,
            NegativeCatalog = file.NegativeCatalog,
        };
    }

    private sealed record HeadFileV1(
        int Version,
        string[] Classes,
        int InputSize,
        int HiddenSize,
        float[] InputMean,
        float[] InputScale,
        float[] HiddenWeights,
        float[] HiddenBias,
        float[] OutputWeights,
        float[] OutputBias,
        string EmbeddingFingerprint,
        RetrievalSpace RetrievalSpace,
        float CategoryBoost,
        float NoMatchThreshold,
        HeadMetrics Metrics,
        TrainingOptions Options,
        DateTimeOffset TrainedAt,
        ProjectionFile? Projection = null,
        ColourFile? Colour = null,
        ObjectnessFile? Objectness = null,
        MlpFile? Shots = null,
        float? CatalogShotRawWeight = null,
        float? CatalogShotCategoryBoost = null,
        MlpFile? CatalogShotCategories = null,
        bool NegativeCatalog = false);

    private sealed record ObjectnessFile(int Channels, float[] Weights, float Bias);

    private sealed record ProjectionFile(int Size, int HiddenSize, float[] Linear, float[] HiddenWeights, float[] HiddenBias, float[] OutputWeights, float RawWeight = 0);

    // Absent from files written before colour heads: they load with none. Shots: where files written before every head had
    // a catalog-shot classifier kept it (read, never written). DescriptorSize: 0 in files written before the colour descriptor.
    private sealed record ColourFile(MlpFile Classifier, string Attribute, float Boost, float? ConfidenceThreshold, MlpFile? Shots, ColourMetrics? Metrics, int DescriptorSize = 0);

    private sealed record MlpFile(
        string[] Classes,
        int InputSize,
        int HiddenSize,
        float[] InputMean,
        float[] InputScale,
        float[] HiddenWeights,
        float[] HiddenBias,
        float[] OutputWeights,
        float[] OutputBias)
    {
        public static MlpFile Of(MlpHead head) => new([.. head.Classes], head.InputSize, head.HiddenSize, head.InputMean, head.InputScale,
            head.HiddenWeights, head.HiddenBias, head.OutputWeights, head.OutputBias);

        public MlpHead ToHead() => new(Classes, InputSize, HiddenSize, InputMean, InputScale, HiddenWeights, HiddenBias, OutputWeights, OutputBias);
    }
}

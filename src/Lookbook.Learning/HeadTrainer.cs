using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Learning.Localization;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;
using SkiaSharp;

namespace Lookbook.Learning;

/// <summary>How <c>lookbook train</c> trains.</summary>
/// <param name="AugmentedCopies">Randomly varied copies of each training image, embedded in addition to the original: the
/// first framed differently (<see cref="AugmentationOptions"/>' defaults), the second as a phone camera sees it
/// (<see cref="AugmentationOptions.Camera"/>), and so on in turn.</param>
/// <param name="Augmentation">One variation for every copy instead (null: the two in turn).</param>
/// <param name="ValidationFraction">Share of each category held out for early stopping, calibration and the reported metrics.</param>
/// <param name="CategoryBoost">Weight of the predicted category probability added to similarity when ranking; null: chosen on
/// validation (see <see cref="HeadTrainer.ChooseBoost"/>).</param>
/// <param name="ShopperViews">Synthesised shopper photos of each training product (strengths in turn), learned with its category.</param>
/// <param name="NoProductExamples">Generated images of no product (textures, scenes, plain surfaces, noise) the head learns to call
/// <see cref="MlpHead.NoProduct"/>, so such photos get "no good match"; 0 trains without that class.</param>
/// <param name="Projection">How the shopper-photo projection is trained from the shopper views (null: defaults; MaxEpochs 0:
/// none); it is trained whenever there are shopper views, and searched with only when it beats the other spaces on validation.</param>
/// <param name="ColourAttribute">Product attribute the colour head learns (<see cref="ColourHead"/>); null or empty, or a catalog
/// without it: no colour head.</param>
public sealed record HeadTrainingRequest(
    int AugmentedCopies = 2,
    double ValidationFraction = 0.1,
    float? CategoryBoost = null,
    TrainingOptions? Options = null,
    AugmentationOptions? Augmentation = null,
    int ShopperViews = 2,
    int NoProductExamples = 400,
    ProjectionOptions? Projection = null,
    string? ColourAttribute = "baseColour");

/// <summary>
/// Trains the classification head on the frozen embeddings of the catalog's labelled products: a
/// stratified validation split, augmented copies and synthesised shopper photos of the training images pushed
/// through the same backbone, the MLP, the shopper-photo projection (<see cref="ProjectionTrainer"/>), then the
/// choices made on validation data (retrieval space, no-match threshold); the colour head when products have a colour.
/// </summary>
public sealed partial class HeadTrainer(CatalogDatabase database, IImageEmbedder embedder)
{
    private const int EmbedBatch = 32;

    // Shopper photos learned from, at most: a view costs a synthesis and a model run (~25 a second on 2 cores at 224 px).
    private const int MaxShopperViews = 20_000;

    // Shopper photos of held-out products that choose the retrieval space and stop the projection's training.
    private const int ValidationPhotos = 1_000;

    // Shopper photos synthesised to calibrate "no good match" (a third as many images of no product).
    private const int CalibrationPhotos = 300;

    public async Task<TrainedHead> TrainAsync(HeadTrainingRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var options = request.Options ?? new TrainingOptions();
        var projectionOptions = request.Projection ?? new ProjectionOptions(Seed: options.Seed);
        var problems = options.Validate().Concat(projectionOptions.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems)); // before minutes of embedding, not after; the message names each field
        }

        database.EnsureEmbeddingProfile(embedder.Profile);
        var items = database.ReadVectors(cancellationToken).ToList();
        var split = DatasetSplit.Stratified(items, request.ValidationFraction, options.Seed);
        IReadOnlyList<string> classes = split.Classes;
        var labelOf = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        progress?.Report($"{items.Count:N0} labelled products in {classes.Count} categories: {split.Train.Count:N0} to train, {split.Validation.Count:N0} to validate");

        var localization = LocalizationTrainer.Learn(database, embedder, split, options.Seed, progress, cancellationToken);
        var locator = localization?.Model is { } objectness ? new PhotoLocator(objectness, head: null) : null;

        // Shopper photos are embedded as a live search embeds them: located, their garment cropped when small, and in a
        // catalog of negatives on black turned into one of them when taken on a light surface.
        var negativeCatalog = IsNegativeCatalog(split.Train, cancellationToken);
        List<float[]> AsServed(IReadOnlyList<byte[]> photos) => embedder.EmbedPhotosAsServed(photos, locator, negativeCatalog, cancellationToken);
        // Pixels are described only for a colour head to read them (Fashion-MNIST has no colours).
        var colourLabelling = LabelColours(request.ColourAttribute, split, progress, cancellationToken);
        var describeColours = colourLabelling is not null;
        // The same, with the colour descriptor of the image searched (what the colour head reads).
        List<LocatedPhoto> LocatedAsServed(IReadOnlyList<byte[]> photos) =>
            [.. embedder.LocateAll(photos, locator, describeColours, negativeCatalog, cancellationToken).Select((l, i) => l ?? throw new InvalidDataException($"Photo {i} could not be decoded."))];

        var trainFeatures = split.Train.Select(i => i.Vector).ToList();
        var trainLabels = split.Train.Select(i => labelOf[i.Category]).ToList();
        var productViews = new List<ProductView>(); // augmented copies and shopper photos, for the colour head
        var catalogShotCopies = new List<StoredVector>(); // augmented copies, for the catalog-shot category head
        if (request.AugmentedCopies > 0)
        {
            progress?.Report($"Embedding {request.AugmentedCopies} augmented cop{(request.AugmentedCopies == 1 ? "y" : "ies")} of each training image…");
            var augmented = await EmbedAugmentedAsync(split.Train, request.AugmentedCopies, request.Augmentation, options.Seed, describeColours, cancellationToken);
            trainFeatures.AddRange(augmented.Select(a => a.Item.Vector));
            trainLabels.AddRange(augmented.Select(a => labelOf[a.Item.Category]));
            productViews.AddRange(augmented.Select(a => new ProductView(a.Item.Vector, a.Item.ProductId, false, a.Colour)));
            catalogShotCopies.AddRange(augmented.Select(a => a.Item));
        }

        var pairs = new List<ProjectionPair>();
        if (request.ShopperViews > 0)
        {
            // Enough views to learn from without making a large catalog's training slow: at most MaxShopperViews, drawn evenly.
            var random = new Random(Seeds.Mix(options.Seed, 31));
            var jobs = split.Train.SelectMany((item, index) => Enumerable.Range(0, request.ShopperViews).Select(view => (Item: item, Index: index, View: view)))
                .OrderBy(_ => random.Next()).Take(MaxShopperViews).ToList();
            progress?.Report($"Embedding {jobs.Count:N0} shopper-like photos of training products…");
            var photos = new byte[]?[jobs.Count];
            Parallel.For(0, jobs.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => photos[i] = database.ReadImageBytes(jobs[i].Item.ProductId) is { } bytes
                ? ShopperPhotoSynthesizer.Photo(bytes, (ShopperPhotoStrength)((jobs[i].Index + jobs[i].View) % 3), Seeds.Mix(options.Seed, jobs[i].Index, jobs[i].View, 29))
                : null);
            var usable = Enumerable.Range(0, jobs.Count).Where(i => photos[i] is not null).ToList();
            var located = LocatedAsServed([.. usable.Select(i => photos[i]!)]);
            trainFeatures.AddRange(located.Select(l => l.Vector));
            trainLabels.AddRange(usable.Select(i => labelOf[jobs[i].Item.Category]));
            pairs.AddRange(usable.Select((job, k) => new ProjectionPair(jobs[job].Index, jobs[job].Item.Vector, located[k].Vector)));
            productViews.AddRange(usable.Select((job, k) => new ProductView(located[k].Vector, jobs[job].Item.ProductId, true, located[k].Colour)));
        }

        if (request.NoProductExamples > 0)
        {
            // A class of its own for images of no product: learned from generated ones, checked on others at calibration.
            progress?.Report($"Embedding {request.NoProductExamples} images of no product…");
            classes = [.. classes, MlpHead.NoProduct];
            var noProduct = classes.Count - 1;
            var images = Enumerable.Range(0, request.NoProductExamples).Select(i => ShopperPhotoSynthesizer.Unrelated(Seeds.Mix(options.Seed, -3, i))).ToList();
            var embedded = AsServed(images);
            trainFeatures.AddRange(embedded);
            trainLabels.AddRange(embedded.Select(_ => noProduct));
        }

        var validationFeatures = split.Validation.Select(i => i.Vector).ToList();
        var validationLabels = split.Validation.Select(i => labelOf[i.Category]).ToList();
        var result = MlpTrainer.Train(classes, trainFeatures, trainLabels, validationFeatures, validationLabels, options,
            new Progress<EpochReport>(e => progress?.Report($"{(options.Members > 1 ? $"network {e.Member}/{options.Members}, " : "")}epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidationLoss:F4}, accuracy {e.ValidationAccuracy:P2}")),
            cancellationToken);
        var head = result.Head;

        var shopper = ValidationShopperPhotos(items, split, options.Seed, LocatedAsServed, progress, cancellationToken);
        var (shots, shotAccuracy) = TrainShots(split, productViews, shopper, options, cancellationToken);
        var catalogShotHead = shots is null ? null : TrainCatalogShotCategories(split, catalogShotCopies, labelOf, options, progress, cancellationToken);
        // Every choice below is made with the categories as search will predict them.
        var categories = new ShotAwareCategories(head, catalogShotHead, shots);
        var classification = ClassificationReport.From(split.Classes,
            split.Validation.Select(i => (i.Category, categories.ClassifyProduct(i.Vector).Class)).ToList());
        var candidates = new List<(RetrievalSpace Space, ShopperProjection? Projection, Func<float[], float[]> Map)>
        {
            (RetrievalSpace.Raw, null, v => v),
            (RetrievalSpace.Hidden, null, v => head.Embed(v)),
        };
        ProjectionTrainingResult? projection = null;
        if (pairs.Count >= 2 && shopper.Queries.Count > 0 && projectionOptions.MaxEpochs > 0)
        {
            progress?.Report($"Training the shopper-photo projection on {pairs.Count:N0} photos of {split.Train.Count:N0} products…");
            projection = ProjectionTrainer.Train(pairs, projectionOptions,
                p => shopper.MrrAt10(v => p.Apply(v)), progress, cancellationToken);
            foreach (var rawWeight in ProjectionBlends)
            {
                var blended = projection.Projection.WithRawWeight(rawWeight);
                candidates.Add((RetrievalSpace.Projected, blended, v => blended.Apply(v)));
            }
        }

        var scores = candidates.Select(c => new SpaceScore(
            c.Projection is { RawWeight: > 0 } p ? $"projected+raw {p.RawWeight:0.##}" : c.Space.ToString().ToLowerInvariant(),
            c.Space, c.Projection?.RawWeight ?? 0, ValidationMap(split, categories, c.Map, request.CategoryBoost ?? SpaceBoost),
            shopper.Queries.Count == 0 ? null : shopper.MrrAt10(c.Map))).ToList();
        var chosen = candidates[ChooseSpace(scores)];
        var space = chosen.Space;
        var boost = request.CategoryBoost ?? ChooseBoost(Boosts.Select(b => (b, ValidationMap(split, categories, chosen.Map, b),
            shopper.Queries.Count == 0 ? (double?)null : shopper.MrrAt10(chosen.Map, categories, b))).ToList());
        var (colour, photoColours) = TrainColourHead(colourLabelling, split, productViews, categories, chosen.Map, shots, boost, shopper, options, progress, cancellationToken);
        var catalogShots = shots is null || request.CategoryBoost is not null
            ? new CatalogShotSteering(null, null, null)
            : ChooseCatalogShotSteering(chosen.Map, chosen.Projection, shots, boost, CatalogShotScore(split, categories, chosen.Map, colour, photoColours, shots, cancellationToken), progress);
        // Calibrated as served: photos compared through TrainedHead.ToQuerySpace.
        Func<float[], float[]> query = chosen.Projection is { } blend && shots is not null && catalogShots.RawWeight is { } shotRawWeight
            ? v => blend.ApplyToQuery(v, shots.Predict(v)[0], shotRawWeight)
            : chosen.Map;
        progress?.Report("Calibrating \"no good match\" on shopper-like photos and on images of no product…");
        var calibration = CalibrateNoMatchThreshold(split, categories, chosen.Map, query, options.Seed, AsServed);
        var threshold = calibration.Threshold;
        var recall = shopper.Queries.Count == 0 ? default : shopper.Recall(chosen.Map);
        var metrics = new HeadMetrics(classification.Accuracy, classification.MacroF1, scores[0].CategoryMapAt10, scores[1].CategoryMapAt10,
            trainFeatures.Count, validationFeatures.Count, request.AugmentedCopies, result.BestEpoch, clock.Elapsed.TotalSeconds)
        {
            ShopperPhotosAccepted = calibration.ShopperPhotosAccepted,
            UnrelatedRejected = calibration.UnrelatedRejected,
            Spaces = scores,
            ShopperRecallAt1 = shopper.Queries.Count == 0 ? null : recall.At1,
            ShopperRecallAt10 = shopper.Queries.Count == 0 ? null : recall.At10,
            ProjectionEpoch = projection?.BestEpoch,
            ObjectnessBalancedAccuracy = localization?.BalancedAccuracy,
            LocalizationHitRate = localization?.HitRate,
            ShotAccuracy = shotAccuracy,
            CatalogShotScore = catalogShots.Score,
        };
        var trained = new TrainedHead(head, embedder.Profile.Fingerprint, space, boost, threshold, metrics, options, DateTimeOffset.UtcNow)
        {
            Projection = chosen.Projection ?? projection?.Projection,
            Objectness = localization?.Model,
            Colour = colour,
            Shots = shots,
            CatalogShotCategories = catalogShotHead,
            CatalogShotRawWeight = catalogShots.RawWeight,
            CatalogShotCategoryBoost = catalogShots.CategoryBoost,
            NegativeCatalog = negativeCatalog,
        };
        trained.Save(database.Files.Head);
        return trained;
    }

    // Catalog shots looked at to decide whether the catalog stores negatives on black: a vote, so a few odd ones do not matter.
    private const int PolaritySamples = 101;

    /// <summary>Whether most of the catalog's shots (up to <see cref="PolaritySamples"/> spread over the training split) are on a dark background.</summary>
    private bool IsNegativeCatalog(IReadOnlyList<StoredVector> train, CancellationToken cancellationToken)
    {
        var step = Math.Max(1, train.Count / PolaritySamples);
        int dark = 0, read = 0;
        for (var i = 0; i < train.Count && read < PolaritySamples; i += step)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var shot = database.ReadImageBytes(train[i].ProductId) is { } bytes ? SKBitmap.Decode(bytes) : null;
            if (shot is null)
            {
                continue;
            }

            read++;
            dark += PhotoPolarity.IsOnDark(shot) ? 1 : 0;
        }

        return read > 0 && dark * 2 > read;
    }

    /// <summary>
    /// The space searches use (an index into <paramref name="spaces"/>, whose first two are raw and hidden): the one of
    /// those two with the better category mAP@10 on validation (as before shopper photos were learned from), unless
    /// another finds held-out products from their shopper photos better (MRR@10) while losing at most
    /// <see cref="MapTolerance"/> of that mAP, plus <see cref="MapPerMrr"/> for each 1.0 of MRR@10 it gains.
    /// </summary>
    internal static int ChooseSpace(IReadOnlyList<SpaceScore> spaces)
    {
        var byCategory = spaces[1].CategoryMapAt10 > spaces[0].CategoryMapAt10 ? 1 : 0;
        var reference = spaces[byCategory];
        var best = byCategory;
        for (var i = 0; i < spaces.Count; i++)
        {
            var gain = Math.Max(0, (spaces[i].ShopperMrrAt10 ?? 0) - (reference.ShopperMrrAt10 ?? 0));
            if (spaces[i].ShopperMrrAt10 > spaces[best].ShopperMrrAt10
                && spaces[i].CategoryMapAt10 >= reference.CategoryMapAt10 - MapTolerance - (MapPerMrr * gain))
            {
                best = i;
            }
        }

        return best;
    }

    // Category mAP@10 a space may give up for better shopper-photo retrieval.
    private const double MapTolerance = 0.01;

    // And a little more the more it finds: with the flat 0.01 alone, the real catalog's raw vectors (0.874, MRR@10 0.055) won
    // over the projection blended with ¾ raw (0.862, MRR@10 0.841) once the category head grew more accurate, and shoppers'
    // photos lost their products (recall@10 0.94 → 0.12). Catalog shots are compared apart afterwards anyway
    // (ChooseCatalogShotSteering), so the thousandths given up here are mostly won back for them.
    private const double MapPerMrr = 0.01;

    // The category boost spaces are compared with, and the boosts tried once the space is chosen.
    private const float SpaceBoost = 0.1f;
    private static readonly float[] Boosts = [0.1f, 0.05f, 0.025f, 0f];

    /// <summary>
    /// The category boost search ranks with: the one with the best mean of category mAP@10 (catalog shots of held-out
    /// products: a shopper browsing what looks alike) and exact-product MRR@10 (their shopper photos: a shopper looking
    /// for the very product) — a stronger boost raises the first and, when the prediction is unsure, costs the second.
    /// Without shopper photos, the strongest.
    /// </summary>
    internal static float ChooseBoost(IReadOnlyList<(float Boost, double CategoryMap, double? ShopperMrr)> tried) =>
        tried.Any(t => t.ShopperMrr is null) ? tried.MaxBy(t => t.Boost).Boost : tried.MaxBy(t => t.CategoryMap + t.ShopperMrr!.Value).Boost;

    // Weights of the raw similarity tried when blending it with the projection's (0: the projection alone).
    private static readonly float[] ProjectionBlends = [0f, 0.25f, 0.5f, 0.75f];

    /// <summary>Medium-strength shopper photos of held-out products (at most <see cref="ValidationPhotos"/>), with the whole catalog as gallery.</summary>
    private ShopperValidation ValidationShopperPhotos(
        IReadOnlyList<StoredVector> items, DatasetSplit split, int seed, Func<IReadOnlyList<byte[]>, List<LocatedPhoto>> embed,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var random = new Random(Seeds.Mix(seed, 37));
        var sample = split.Validation.OrderBy(_ => random.Next()).Take(ValidationPhotos).ToList();
        if (sample.Count == 0)
        {
            return new ShopperValidation(items, [], [], []);
        }

        progress?.Report($"Embedding {sample.Count:N0} shopper-like photos of held-out products for validation…");
        var photos = new byte[]?[sample.Count];
        Parallel.For(0, sample.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => photos[i] = database.ReadImageBytes(sample[i].ProductId) is { } bytes
            ? ShopperPhotoSynthesizer.Photo(bytes, ShopperPhotoStrength.Medium, Seeds.Mix(seed, i, 41))
            : null);
        var usable = Enumerable.Range(0, sample.Count).Where(i => photos[i] is not null).ToList();
        var located = embed([.. usable.Select(i => photos[i]!)]);
        return new ShopperValidation(items, [.. usable.Select(i => sample[i].ProductId)], [.. located.Select(l => l.Vector)], [.. located.Select(l => l.Colour)]);
    }

    /// <summary>An augmented copy or a shopper photo of a training product, with its colour descriptor (null: none).</summary>
    private sealed record ProductView(float[] Vector, string ProductId, bool ShopperPhoto, float[]? Colour);

    /// <summary>Shopper photos of known products (with their colour descriptors), searched against every catalog vector in a given space.</summary>
    private sealed record ShopperValidation(IReadOnlyList<StoredVector> Gallery, IReadOnlyList<string> Queries, IReadOnlyList<float[]> Vectors, IReadOnlyList<float[]?> Colours)
    {
        public double MrrAt10(Func<float[], float[]> map, ShotAwareCategories? categories = null, float boost = 0) =>
            MrrAt10(map, categories is null || boost <= 0 ? null : v => new PhotoSteering(categories.Head, categories.Predict(v), boost, categoryFixed: false), _ => null);

        /// <summary>MRR@10 with each photo's results steered as served; <paramref name="colourOf"/> gives a gallery product's colour.</summary>
        public double MrrAt10(Func<float[], float[]> map, Func<float[], PhotoSteering>? steering, Func<string, string?> colourOf) =>
            Ranks(map, steering, colourOf).Average(rank => rank is { } r and <= 10 ? 1.0 / r : 0);

        public (double At1, double At10) Recall(Func<float[], float[]> map)
        {
            var ranks = Ranks(map);
            return (ranks.Count(r => r == 1) / (double)ranks.Count, ranks.Count(r => r <= 10) / (double)ranks.Count);
        }

        /// <summary>1-based rank of each photo's own product within the top 10 (null: not there), steered by the heads' predictions as served.</summary>
        private List<int?> Ranks(Func<float[], float[]> map, Func<float[], PhotoSteering>? steering = null, Func<string, string?>? colourOf = null)
        {
            var categoryOf = Gallery.ToDictionary(g => g.ProductId, g => g.Category, StringComparer.Ordinal);
            var mapped = new float[Gallery.Count][];
            Parallel.For(0, Gallery.Count, i => mapped[i] = map(Gallery[i].Vector));
            var index = new ExactVectorIndex(mapped[0].Length, Gallery.Count);
            for (var i = 0; i < Gallery.Count; i++)
            {
                index.Upsert(Gallery[i].ProductId, mapped[i]);
            }

            var ranks = new int?[Queries.Count];
            Parallel.For(0, Queries.Count, q =>
            {
                var steer = steering?.Invoke(Vectors[q]);
                var hits = steer is not { IsActive: true }
                    ? index.Search(map(Vectors[q]), 10)
                    : BoostedRanking.Rank(index, map(Vectors[q]), 10, id => steer.Bonus(categoryOf[id], colourOf?.Invoke(id)), 1f, candidates: steer.CandidateCount(10));

                var position = hits.Select(h => h.Key).ToList().IndexOf(Queries[q]);
                ranks[q] = position < 0 ? null : position + 1;
            });
            return [.. ranks];
        }
    }

    // Category boosts a catalog-like shot is tried with, besides the one chosen for every photo. Up to 0.5: on Fashion-MNIST
    // validation still rose at 0.3 (0.9228 → 0.9232 at 0.5) and test mAP@10 with it (0.9148 → 0.9154); a phone photo keeps
    // its own boost whatever is chosen here (docs/real-photos.md).
    internal static readonly float[] CatalogShotBoosts = [0.1f, 0.15f, 0.2f, 0.3f, 0.4f, 0.5f];

    /// <summary>How catalog-like shots are compared and steered (nulls: like every photo), and the validation category score that chose it.</summary>
    internal sealed record CatalogShotSteering(float? RawWeight, float? CategoryBoost, double? Score);

    // Colour precision@10 of held-out catalog shots that their comparison and category boost may give up for category.
    private const double CatalogShotColourTolerance = 0.005;

    /// <summary>
    /// How a catalog-like shot is compared (raw weight: the stored blend's, halfway to raw, or raw) and how strongly its
    /// category steers (the boost chosen for every photo, or one of <see cref="CatalogShotBoosts"/>): the pair with the best
    /// category score of held-out catalog shots as served (<paramref name="score"/>: the category's and, with a colour head,
    /// the colour's precision) that loses at most <see cref="CatalogShotColourTolerance"/> of colour precision@10. The weight
    /// and boost move toward the pair as far as <paramref name="shots"/> calls a photo a catalog shot, so shopper photos keep
    /// theirs; the stored blend and boost stay unless another pair does better. On the real catalog a stronger boost for
    /// catalog shots lifted held-out products' article-type precision@10 from 0.859 to 0.863 for 0.002 of colour, and
    /// comparing them by the raw vectors lowered both; on Fashion-MNIST the raw vectors lifted mAP@10 from 0.909 to 0.915
    /// (docs/real-photos.md).
    /// </summary>
    internal static CatalogShotSteering ChooseCatalogShotSteering(
        Func<float[], float[]> map, ShopperProjection? projection, MlpHead shots, float boost,
        Func<Func<float[], float[]>, Func<float[], float>, (double Category, double? Colour)> score, IProgress<string>? progress)
    {
        float?[] rawWeights = projection is { RawWeight: > 0 and var stored } ? [stored, (1 + stored) / 2, 1f] : [null];
        var tried = new List<(float? RawWeight, float Boost, double Category, double? Colour)>();
        foreach (var rawWeight in rawWeights)
        {
            Func<float[], float[]> query = rawWeight is { } w ? v => projection!.ApplyToQuery(v, shots.Predict(v)[0], w) : map;
            foreach (var shotBoost in CatalogShotBoosts.Prepend(boost).Distinct())
            {
                var (category, colour) = score(query, v => TrainedHead.CategoryBoostFor(boost, shotBoost, shots.Predict(v)[0]));
                progress?.Report($"catalog-like shots compared with raw weight {(rawWeight is { } r ? r.ToString("0.###") : "-")}, category boost {shotBoost:0.###}: category {category:F4}{(colour is { } c ? $", colour precision@10 {c:F4}" : "")}");
                tried.Add((rawWeight, shotBoost, category, colour));
            }
        }

        var stay = tried[0];
        var best = tried.Where(t => t.Colour is null || stay.Colour is null || t.Colour >= stay.Colour - CatalogShotColourTolerance)
            .Aggregate(stay, (a, t) => t.Category > a.Category ? t : a);
        return new CatalogShotSteering(best.RawWeight == stay.RawWeight ? null : best.RawWeight, best.Boost == boost ? null : best.Boost, best.Category);
    }

    /// <summary>mAP@10 of validation items searching the training items, in one space, with the category boost.</summary>
    private static double ValidationMap(DatasetSplit split, ShotAwareCategories categories, Func<float[], float[]> map, float boost) =>
        ValidationMap(split, categories, map, _ => boost, map);

    /// <summary>
    /// mAP@10 of validation items searching the training items stored by <paramref name="map"/>, each compared through
    /// <paramref name="query"/> with its own category boost.
    /// </summary>
    private static double ValidationMap(DatasetSplit split, ShotAwareCategories categories, Func<float[], float[]> map, Func<float[], float> boostOf, Func<float[], float[]> query)
    {
        if (split.Validation.Count == 0)
        {
            return 0;
        }

        var gallery = Gallery(split, map);
        var classIndex = split.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var counts = split.Train.GroupBy(i => i.Category).ToDictionary(g => g.Key, g => g.Count());
        return split.Validation.Average(photo =>
        {
            var probabilities = categories.Predict(photo.Vector);
            var ranked = BoostedRanking.Rank(gallery.Index, query(photo.Vector), 10,
                id => probabilities[classIndex[gallery.CategoryOf[id]]], boostOf(photo.Vector));
            return RetrievalMetrics.AveragePrecisionAtK(ranked.Select(r => gallery.CategoryOf[r.Key]).ToList(), photo.Category, 10, counts[photo.Category]);
        });
    }

    /// <summary>
    /// The similarity below which a photo has no good match, calibrated on what shoppers send: synthesised phone photos
    /// of catalog products at every strength (a third each), searched against the catalog they belong to, and catalog
    /// shots of unseen products (the validation items, 99% kept) — whichever asks for the lower threshold; how many phone
    /// photos of each strength are kept is chosen by <see cref="ChooseNoMatchThreshold"/> against images of no product at all.
    /// </summary>
    private Calibration CalibrateNoMatchThreshold(
        DatasetSplit split, ShotAwareCategories categories, Func<float[], float[]> map, Func<float[], float[]> query, int seed, Func<IReadOnlyList<byte[]>, List<float[]>> embed)
    {
        if (split.Validation.Count == 0)
        {
            return new Calibration(0, null, null);
        }

        var gallery = Gallery(split, map);
        float Best(float[] vector) => gallery.Index.Search(query(vector), 1) is [var top] ? top.Similarity : 0f;
        var catalogShots = split.Validation.Select(q => Best(q.Vector)).ToList();

        var random = new Random(seed);
        var sample = split.Train.OrderBy(_ => random.Next()).Take(CalibrationPhotos).ToList();
        // Medium photos alone (the first calibration) left 8% of the evaluation's strong photos turned away on the real
        // catalog: every strength a shopper may send has its say.
        var strengths = Enum.GetValues<ShopperPhotoStrength>();
        var photos = sample.Select((item, i) => database.ReadImageBytes(item.ProductId) is { } bytes
            ? (Strength: strengths[i % strengths.Length], Bytes: ShopperPhotoSynthesizer.Photo(bytes, strengths[i % strengths.Length], Seeds.Mix(seed, i, 17)))
            : default).Where(p => p.Bytes is not null).ToList();
        var shopperVectors = embed([.. photos.Select(p => p.Bytes)]);
        var unrelatedVectors = embed([.. Enumerable.Range(0, CalibrationPhotos / 3).Select(i => ShopperPhotoSynthesizer.Unrelated(Seeds.Mix(seed, -7, i)))]);
        // As served: turned away below the threshold, or when the head sees no product at all.
        bool NoProduct(float[] vector) => categories.ClassifyProduct(vector).NoProductProbability > 0.5f;
        var shopperBest = shopperVectors.Select(Best).ToList();
        var byStrength = strengths.Select(s => (IReadOnlyList<float>)[.. shopperBest.Where((_, i) => photos[i].Strength == s)]).Where(g => g.Count > 0).ToList();
        var threshold = ChooseNoMatchThreshold(catalogShots, byStrength, [.. unrelatedVectors.Select(v => (Best(v), NoProduct(v)))]);
        bool TurnedAway(float[] vector) => Best(vector) < threshold || NoProduct(vector);
        return new Calibration(
            threshold,
            shopperVectors.Count == 0 ? null : shopperVectors.Count(v => !TurnedAway(v)) / (double)shopperVectors.Count,
            unrelatedVectors.Count == 0 ? null : unrelatedVectors.Count(TurnedAway) / (double)unrelatedVectors.Count);
    }

    // Shares of shopper photos the threshold may keep, most first, and the share of images of no product it must still
    // turn away. Keeping 95% (the first calibration) turned away 5.6% of the evaluation's medium photos on the real
    // catalog (issue 11 asks for at most 5%) while every image of no product was still turned away.
    private static readonly double[] ShopperKeepRates = [0.98, 0.975, 0.97, 0.96, 0.95];
    internal const double MinUnrelatedRejected = 0.97;

    /// <summary>
    /// The threshold: low enough to keep 99% of <paramref name="catalogShots"/> and the largest share of each group of
    /// <paramref name="shopperPhotos"/> (their best similarities, one group per strength) in <see cref="ShopperKeepRates"/>
    /// at which <see cref="MinUnrelatedRejected"/> of <paramref name="unrelated"/> (best similarity, and whether the head
    /// sees no product) are still turned away; the last rate when none is.
    /// </summary>
    internal static float ChooseNoMatchThreshold(
        IReadOnlyList<float> catalogShots, IReadOnlyList<IReadOnlyList<float>> shopperPhotos, IReadOnlyList<(float Best, bool NoProduct)> unrelated)
    {
        static float Quantile(IEnumerable<float> values, double share)
        {
            var sorted = values.Order().ToList();
            return sorted[(int)Math.Floor(share * (sorted.Count - 1))];
        }

        var ceiling = catalogShots.Count == 0 ? float.MaxValue : Quantile(catalogShots, 0.01);
        if (shopperPhotos.All(g => g.Count == 0))
        {
            return catalogShots.Count == 0 ? 0 : ceiling;
        }

        var threshold = ceiling;
        foreach (var keep in ShopperKeepRates)
        {
            // The hardest strength decides: each keeps at least this share.
            threshold = Math.Min(ceiling, shopperPhotos.Where(g => g.Count > 0).Min(g => Quantile(g, 1 - keep)));
            var t = threshold;
            if (unrelated.Count == 0 || unrelated.Count(u => u.Best < t || u.NoProduct) >= MinUnrelatedRejected * unrelated.Count)
            {
                return threshold;
            }
        }

        return threshold;
    }

    private sealed record Calibration(float Threshold, double? ShopperPhotosAccepted, double? UnrelatedRejected);

    private static (ExactVectorIndex Index, Dictionary<string, string> CategoryOf) Gallery(DatasetSplit split, Func<float[], float[]> map)
    {
        var mapped = new float[split.Train.Count][];
        Parallel.For(0, split.Train.Count, i => mapped[i] = map(split.Train[i].Vector));
        var index = new ExactVectorIndex(mapped[0].Length, split.Train.Count);
        for (var i = 0; i < split.Train.Count; i++)
        {
            index.Upsert(split.Train[i].ProductId, mapped[i]);
        }

        return (index, split.Train.ToDictionary(i => i.ProductId, i => i.Category));
    }

    /// <summary>Augmented copies of the items' images, embedded, with each copy's colour descriptor when <paramref name="describeColours"/>.</summary>
    private async Task<List<(StoredVector Item, float[]? Colour)>> EmbedAugmentedAsync(
        IReadOnlyList<StoredVector> items, int copies, AugmentationOptions? augmentation, int seed, bool describeColours, CancellationToken cancellationToken)
    {
        var jobs = items.SelectMany((item, index) => Enumerable.Range(1, copies).Select(copy => (Item: item, Seed: Seeds.Mix(seed, index, copy),
            Options: augmentation ?? (copy % 2 == 0 ? AugmentationOptions.Camera : AugmentationOptions.Framing)))).ToList();
        var results = new List<(StoredVector Item, float[]? Colour)>(jobs.Count);
        foreach (var batch in jobs.Chunk(EmbedBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prepared = new PreparedImage?[batch.Length];
            Parallel.For(0, batch.Length, i => prepared[i] = PrepareAugmented(batch[i].Item.ProductId, batch[i].Seed, batch[i].Options));
            var usable = prepared.Select((p, i) => (Prepared: p, Job: batch[i])).Where(x => x.Prepared is not null).ToList();
            var vectors = usable.Count == 0 ? [] : embedder.Embed(usable.Select(x => x.Prepared!).ToList());
            for (var i = 0; i < usable.Count; i++)
            {
                results.Add((new StoredVector(usable[i].Job.Item.ProductId, usable[i].Job.Item.Category, vectors[i]), describeColours ? embedder.Preparer.DescribeColour(usable[i].Prepared!) : null));
                usable[i].Prepared!.Dispose();
            }

            await Task.Yield();
        }

        return results;
    }

    private PreparedImage? PrepareAugmented(string productId, int seed, AugmentationOptions augmentation)
    {
        if (database.ReadImageBytes(productId) is not { } bytes)
        {
            return null;
        }

        try
        {
            using var decoded = ImageDecoder.Decode(bytes, embedder.Preparer.Limits, minShortSide: 2 * embedder.Preparer.InputSize);
            using var varied = ImageAugmenter.Augment(decoded, new Random(seed), augmentation);
            return embedder.Preparer.Prepare(varied);
        }
        catch (ImageRejectedException)
        {
            return null;
        }
    }
}

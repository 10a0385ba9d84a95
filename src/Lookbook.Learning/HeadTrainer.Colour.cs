using Lookbook.Index;
using Lookbook.Vision.Images;

namespace Lookbook.Learning;

public sealed partial class HeadTrainer
{
    // Units of the catalog-shot-or-shopper-photo classifier's hidden layer: the two kinds are easy to tell apart.
    private const int ShotsHiddenSize = 64;

    /// <summary>
    /// The colour head, when the catalog's products have a colour: learned from the training products' catalog shots,
    /// their augmented copies and their shopper photos (without those it named the colour of a shopper photo right 9% of
    /// the time, with them 44%), each read as its backbone vector and its pixels' <see cref="ColourDescriptor"/>, with
    /// the classifier that tells catalog-like shots from shopper photos; its weight in ranking and the confidence from
    /// which a prediction is shown are chosen on the held-out products. Null when the attribute is not asked for or fewer
    /// than two colours have enough products. Also returns the validation photos' colours (<see cref="PhotoColours"/>).
    /// </summary>
    private (ColourHead? Head, PhotoColours Colours) TrainColourHead(
        ColourLabelling? labelling,
        DatasetSplit split,
        IReadOnlyList<ProductView> productViews,
        ShotAwareCategories categories,
        Func<float[], float[]> map,
        MlpHead? shots,
        float categoryBoost,
        ShopperValidation shopper,
        TrainingOptions options,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        if (labelling is not { Attribute: var attribute, ColourOf: var colourOf, Colours: var colours })
        {
            return (null, PhotoColours.None);
        }

        string? ColourOf(string productId) => colourOf.GetValueOrDefault(productId);
        progress?.Report($"Describing the colours of {split.Train.Count + split.Validation.Count:N0} catalog images…");
        var catalogColours = CatalogColours.Describe(database, embedder.Preparer, [.. split.Train.Concat(split.Validation).Select(i => i.ProductId)], cancellationToken);
        var photoColours = new PhotoColours(split.Validation.Select(i => (i.Vector, catalogColours.GetValueOrDefault(i.ProductId)))
            .Concat(shopper.Vectors.Zip(shopper.Colours)));
        // Examples whose pixels could not be read are left out: the head reads the vector and the descriptor together.
        List<(float[] Vector, string? Colour)> Examples(IEnumerable<(float[] Vector, float[]? Descriptor, string ProductId)> photos) =>
            [.. photos.Select(p => (Input: ColourHead.InputOf(p.Vector, p.Descriptor, ColourDescriptor.Size), Colour: ColourOf(p.ProductId))).Where(e => e.Input is not null).Select(e => (e.Input!, e.Colour))];
        var train = Examples(split.Train.Select(i => (i.Vector, catalogColours.GetValueOrDefault(i.ProductId), i.ProductId))
            .Concat(productViews.Select(v => (v.Vector, v.Colour, v.ProductId))));
        var validation = Examples(split.Validation.Select(i => (i.Vector, catalogColours.GetValueOrDefault(i.ProductId), i.ProductId)));
        progress?.Report($"Training the colour head on {attribute}: {colours.Count} colours with {ColourHeadTrainer.MinExamples} or more training products…");
        var result = ColourHeadTrainer.Train(colours, train, validation, options with { Members = 1 },
            new Progress<EpochReport>(e => progress?.Report($"colour epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidationLoss:F4}, accuracy {e.ValidationAccuracy:P2}")),
            cancellationToken);
        var unweighted = new ColourHead(result.Head, attribute, 0, null) { DescriptorSize = ColourDescriptor.Size };

        var gallery = Gallery(split, map);
        PhotoSteering Steering(float[] vector, ColourHead colour) =>
            new(categories.Head, categories.Predict(vector), categoryBoost, categoryFixed: false, colour, colour.Probabilities(vector, photoColours.Of(vector)), colour.BoostFor(shots?.Predict(vector)[0]));
        var scores = ColourHeadTrainer.Boosts.Select(boost =>
        {
            var weighted = unweighted with { Boost = boost };
            var (category, colour) = CatalogShotPrecision(split, gallery.Index, map, v => Steering(v, weighted), ColourOf);
            double? mrr = shopper.Queries.Count == 0 ? null : shopper.MrrAt10(map, v => Steering(v, weighted), ColourOf);
            progress?.Report($"colour weight {boost:0.##}: category precision@10 {category:F3}, colour precision@10 {colour:F3}{(mrr is { } m ? $", shopper-photo MRR@10 {m:F3}" : "")}");
            return new ColourBoostScore(boost, category, colour, mrr);
        }).ToList();
        var chosen = ColourHeadTrainer.ChooseBoost(scores);

        // Shown only when right often enough on what shoppers send: catalog-like shots and phone photos of products training never saw.
        var catalogShots = split.Validation.Select(i => (Prediction: unweighted.Predict(i.Vector, photoColours.Of(i.Vector)), Truth: ColourOf(i.ProductId))).ToList();
        var shopperPhotos = shopper.Queries.Select((id, q) => (Prediction: unweighted.Predict(shopper.Vectors[q], shopper.Colours[q]), Truth: ColourOf(id))).ToList();
        var predictions = catalogShots.Concat(shopperPhotos).Where(p => p.Truth is not null && p.Prediction is not null)
            .Select(p => (p.Prediction!.Confidence, Right: p.Prediction.Colour == p.Truth)).ToList();
        var threshold = ColourHeadTrainer.CalibrateConfidence(predictions);
        var shown = predictions.Where(p => threshold is { } t && p.Confidence >= t).ToList();
        static double Accuracy(IEnumerable<(ColourPrediction? Prediction, string? Truth)> photos) =>
            photos.Where(p => p.Truth is not null).Select(p => p.Prediction?.Colour == p.Truth ? 1.0 : 0.0).DefaultIfEmpty().Average();

        return (unweighted with
        {
            Boost = chosen,
            ConfidenceThreshold = threshold,
            Metrics = new ColourMetrics(
                colours.Count,
                train.Count(t => t.Colour is { } c && colours.Contains(c)),
                result.BestEpoch,
                Accuracy(catalogShots),
                shopperPhotos.Count == 0 ? null : Accuracy(shopperPhotos),
                predictions.Count == 0 ? 0 : shown.Count / (double)predictions.Count,
                shown.Count == 0 ? 0 : shown.Count(p => p.Right) / (double)shown.Count,
                scores),
        }, photoColours);
    }

    /// <summary>The products' colours and the colours worth learning: what a colour head is trained on.</summary>
    private sealed record ColourLabelling(string Attribute, Dictionary<string, string?> ColourOf, IReadOnlyList<string> Colours);

    /// <summary>
    /// The colours a colour head would learn, read before any photo is embedded so that photos are described only for a
    /// head that will read them; null (and <paramref name="progress"/> says why) when there will be none.
    /// </summary>
    private ColourLabelling? LabelColours(string? attribute, DatasetSplit split, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(attribute) || split.Validation.Count == 0)
        {
            return null;
        }

        var colourOf = ColourLabels(attribute, cancellationToken);
        var colours = ColourHeadTrainer.Colours(split.Train.Select(i => colourOf.GetValueOrDefault(i.ProductId)));
        if (colours.Count == 0)
        {
            progress?.Report(colourOf.Values.Any(c => c is not null)
                ? $"No colour head: fewer than two values of '{attribute}' have {ColourHeadTrainer.MinExamples} training products."
                : $"No colour head: no product has '{attribute}' (a Kaggle styles.csv has it; a folder of images does not).");
            return null;
        }

        return new ColourLabelling(attribute, colourOf, colours);
    }

    private Dictionary<string, string?> ColourLabels(string attribute, CancellationToken cancellationToken) =>
        database.ReadAllProducts(cancellationToken).ToDictionary(p => p.Id, p => p.Attributes.GetValueOrDefault(attribute), StringComparer.Ordinal);

    /// <summary>
    /// How well held-out catalog shots are served by a way of comparing and steering them (<see cref="ChooseCatalogShotSteering"/>):
    /// with a colour head that steers, category and colour precision@10 (both are what a shopper browsing alike products
    /// sees); else category mAP@10.
    /// </summary>
    private Func<Func<float[], float[]>, Func<float[], float>, (double Category, double? Colour)> CatalogShotScore(
        DatasetSplit split, ShotAwareCategories categories, Func<float[], float[]> map, ColourHead? colour, PhotoColours photoColours, MlpHead shots, CancellationToken cancellationToken)
    {
        if (colour is not { Boost: > 0 })
        {
            return (query, boostFor) => (ValidationMap(split, categories, map, boostFor, query), null);
        }

        var colourOf = ColourLabels(colour.Attribute, cancellationToken);
        var gallery = Gallery(split, map);
        return (query, boostFor) =>
        {
            var (category, colourPrecision) = CatalogShotPrecision(split, gallery.Index, query,
                v => new PhotoSteering(categories.Head, categories.Predict(v), boostFor(v), categoryFixed: false, colour, colour.Probabilities(v, photoColours.Of(v)), colour.BoostFor(shots.Predict(v)[0])),
                id => colourOf.GetValueOrDefault(id));
            return (category, colourPrecision);
        };
    }

    /// <summary>
    /// Catalog-like shot or shopper photo (<see cref="TrainedHead.Shots"/>): learned from the training products' catalog shots
    /// and augmented copies against their shopper photos, checked on the held-out ones. None without shopper photos.
    /// </summary>
    private static (MlpHead? Shots, double? Accuracy) TrainShots(
        DatasetSplit split, IReadOnlyList<ProductView> productViews, ShopperValidation shopper,
        TrainingOptions options, CancellationToken cancellationToken)
    {
        if (!productViews.Any(v => v.ShopperPhoto) || shopper.Queries.Count == 0)
        {
            return (null, null);
        }

        var train = split.Train.Select(i => (i.Vector, Label: 0)).Concat(productViews.Select(v => (v.Vector, Label: v.ShopperPhoto ? 1 : 0))).ToList();
        var validation = split.Validation.Select(i => (i.Vector, Label: 0)).Concat(shopper.Vectors.Select(v => (Vector: v, Label: 1))).ToList();
        var result = MlpTrainer.Train([ColourHead.CatalogShotClass, ColourHead.ShopperPhotoClass],
            [.. train.Select(t => t.Vector)], [.. train.Select(t => t.Label)], [.. validation.Select(v => v.Vector)], [.. validation.Select(v => v.Label)],
            options with { HiddenSize = ShotsHiddenSize, Members = 1 }, cancellationToken: cancellationToken);
        return (result.Head, MlpTrainer.Evaluate(result.Head, [.. validation.Select(v => v.Vector)], [.. validation.Select(v => v.Label)]).Accuracy);
    }

    /// <summary>
    /// The category head for catalog-like shots (<see cref="ShotAwareCategories"/>): the same networks learned from the
    /// training products' catalog shots and their augmented copies only (no shopper photos, no images of no product),
    /// stopped on the held-out catalog shots. The copies a camera varied are kept: without them it named noisy Fashion-MNIST
    /// queries (which look like catalog shots to the shot classifier) right 78% of the time, with them 81%.
    /// </summary>
    private static MlpHead TrainCatalogShotCategories(
        DatasetSplit split, IReadOnlyList<StoredVector> augmented, IReadOnlyDictionary<string, int> labelOf, TrainingOptions options,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var train = split.Train.Concat(augmented).ToList();
        progress?.Report($"Training the category head for catalog-like shots on {train.Count:N0} catalog shots and augmented copies…");
        var result = MlpTrainer.Train(split.Classes, [.. train.Select(i => i.Vector)], [.. train.Select(i => labelOf[i.Category])],
            [.. split.Validation.Select(i => i.Vector)], [.. split.Validation.Select(i => labelOf[i.Category])], options,
            new Progress<EpochReport>(e => progress?.Report($"catalog-shot {(options.Members > 1 ? $"network {e.Member}/{options.Members}, " : "")}epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidationLoss:F4}, accuracy {e.ValidationAccuracy:P2}")),
            cancellationToken);
        return result.Head;
    }

    /// <summary>
    /// Category and colour precision@10 of held-out products' catalog shots searched against the training products, compared
    /// (<paramref name="query"/>) and steered as served (products without a colour are left out of the colour's mean).
    /// </summary>
    private static (double Category, double Colour) CatalogShotPrecision(
        DatasetSplit split, ExactVectorIndex gallery, Func<float[], float[]> query, Func<float[], PhotoSteering> steering, Func<string, string?> colourOf)
    {
        var categoryOf = split.Train.ToDictionary(i => i.ProductId, i => i.Category, StringComparer.Ordinal);
        var results = new (double Category, double? Colour)[split.Validation.Count];
        Parallel.For(0, split.Validation.Count, q =>
        {
            var photo = split.Validation[q];
            var steer = steering(photo.Vector);
            var hits = steer.IsActive
                ? BoostedRanking.Rank(gallery, query(photo.Vector), 10, id => steer.Bonus(categoryOf[id], colourOf(id)), 1f, candidates: steer.CandidateCount(10))
                : gallery.Search(query(photo.Vector), 10);
            var colour = colourOf(photo.ProductId);
            results[q] = (hits.Count(h => categoryOf[h.Key] == photo.Category) / 10.0,
                colour is null ? null : hits.Count(h => colourOf(h.Key) == colour) / 10.0);
        });
        return (results.Average(r => r.Category), results.Where(r => r.Colour is not null).Select(r => r.Colour!.Value).DefaultIfEmpty().Average());
    }

    /// <summary>
    /// The colour descriptors of the validation photos (held-out catalog shots, shopper photos), found by their vector: the
    /// validation steps pass a photo around as its vector array, and its descriptor follows that very array (by
    /// reference, so two photos with equal vectors keep their own).
    /// </summary>
    private sealed class PhotoColours(IEnumerable<(float[] Vector, float[]? Descriptor)> photos)
    {
        public static readonly PhotoColours None = new([]);

        private readonly Dictionary<float[], float[]?> _byVector = photos.ToDictionary<(float[] Vector, float[]? Descriptor), float[], float[]?>(p => p.Vector, p => p.Descriptor, ReferenceEqualityComparer.Instance);

        public float[]? Of(float[] vector) => _byVector.GetValueOrDefault(vector);
    }
}

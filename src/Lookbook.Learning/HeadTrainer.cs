using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Learning;

/// <summary>How <c>lookbook train</c> trains.</summary>
/// <param name="AugmentedCopies">Randomly varied copies of each training image, embedded in addition to the original.</param>
/// <param name="ValidationFraction">Share of each category held out for early stopping, calibration and the reported metrics.</param>
/// <param name="CategoryBoost">Weight of the predicted category probability added to similarity when ranking.</param>
public sealed record HeadTrainingRequest(
    int AugmentedCopies = 1,
    double ValidationFraction = 0.1,
    float CategoryBoost = 0.1f,
    TrainingOptions? Options = null,
    AugmentationOptions? Augmentation = null);

/// <summary>
/// Trains the classification head on the frozen embeddings of the catalog's labelled products: a
/// stratified validation split, augmented copies of the training images pushed through the same
/// backbone, the MLP, then the choices made on validation data (retrieval space, no-match threshold).
/// </summary>
public sealed class HeadTrainer(CatalogDatabase database, IImageEmbedder embedder)
{
    private const int EmbedBatch = 32;

    public async Task<TrainedHead> TrainAsync(HeadTrainingRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var options = request.Options ?? new TrainingOptions();
        database.EnsureEmbeddingProfile(embedder.Profile);
        var items = database.ReadVectors(cancellationToken).ToList();
        var split = DatasetSplit.Stratified(items, request.ValidationFraction, options.Seed);
        var classes = split.Classes;
        var labelOf = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        progress?.Report($"{items.Count:N0} labelled products in {classes.Count} categories: {split.Train.Count:N0} to train, {split.Validation.Count:N0} to validate");

        var trainFeatures = split.Train.Select(i => i.Vector).ToList();
        var trainLabels = split.Train.Select(i => labelOf[i.Category]).ToList();
        if (request.AugmentedCopies > 0)
        {
            progress?.Report($"Embedding {request.AugmentedCopies} augmented cop{(request.AugmentedCopies == 1 ? "y" : "ies")} of each training image…");
            var augmented = await EmbedAugmentedAsync(split.Train, request.AugmentedCopies, request.Augmentation ?? new AugmentationOptions(), options.Seed, cancellationToken);
            trainFeatures.AddRange(augmented.Select(a => a.Vector));
            trainLabels.AddRange(augmented.Select(a => labelOf[a.Category]));
        }

        var validationFeatures = split.Validation.Select(i => i.Vector).ToList();
        var validationLabels = split.Validation.Select(i => labelOf[i.Category]).ToList();
        var result = MlpTrainer.Train(classes, trainFeatures, trainLabels, validationFeatures, validationLabels, options,
            new Progress<EpochReport>(e => progress?.Report($"epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.ValidationLoss:F4}, accuracy {e.ValidationAccuracy:P2}")),
            cancellationToken);
        var head = result.Head;

        var classification = ClassificationReport.From(classes,
            split.Validation.Select(i => (i.Category, head.Classify(i.Vector).Class)).ToList());
        var rawMap = ValidationMap(split, head, RetrievalSpace.Raw, request.CategoryBoost);
        var hiddenMap = ValidationMap(split, head, RetrievalSpace.Hidden, request.CategoryBoost);
        var space = hiddenMap > rawMap ? RetrievalSpace.Hidden : RetrievalSpace.Raw;
        var threshold = CalibrateNoMatchThreshold(split, head, space);
        var metrics = new HeadMetrics(classification.Accuracy, classification.MacroF1, rawMap, hiddenMap,
            trainFeatures.Count, validationFeatures.Count, request.AugmentedCopies, result.BestEpoch, clock.Elapsed.TotalSeconds);
        var trained = new TrainedHead(head, embedder.Profile.Fingerprint, space, request.CategoryBoost, threshold, metrics, options, DateTimeOffset.UtcNow);
        trained.Save(database.Files.Head);
        return trained;
    }

    /// <summary>mAP@10 of validation items searching the training items, in one space, with the category boost.</summary>
    private static double ValidationMap(DatasetSplit split, MlpHead head, RetrievalSpace space, float boost)
    {
        if (split.Validation.Count == 0)
        {
            return 0;
        }

        var gallery = Gallery(split, head, space);
        var classIndex = split.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var counts = split.Train.GroupBy(i => i.Category).ToDictionary(g => g.Key, g => g.Count());
        return split.Validation.Average(query =>
        {
            var probabilities = head.Predict(query.Vector);
            var ranked = BoostedRanking.Rank(gallery.Index, Project(head, space, query.Vector), 10,
                id => probabilities[classIndex[gallery.CategoryOf[id]]], boost);
            return RetrievalMetrics.AveragePrecisionAtK(ranked.Select(r => gallery.CategoryOf[r.Key]).ToList(), query.Category, 10, counts[query.Category]);
        });
    }

    /// <summary>
    /// The similarity below which a photo has no good match: the 1st percentile of the best-match
    /// similarity of genuine catalog photos (the validation items) — 99% of them stay above it.
    /// </summary>
    private static float CalibrateNoMatchThreshold(DatasetSplit split, MlpHead head, RetrievalSpace space)
    {
        if (split.Validation.Count == 0)
        {
            return 0;
        }

        var gallery = Gallery(split, head, space);
        var best = split.Validation
            .Select(q => gallery.Index.Search(Project(head, space, q.Vector), 1) is [var top] ? top.Similarity : 0f)
            .Order()
            .ToList();
        return best[(int)Math.Floor(0.01 * (best.Count - 1))];
    }

    private static (ExactVectorIndex Index, Dictionary<string, string> CategoryOf) Gallery(DatasetSplit split, MlpHead head, RetrievalSpace space)
    {
        var index = new ExactVectorIndex(space == RetrievalSpace.Hidden ? head.HiddenSize : head.InputSize, split.Train.Count);
        foreach (var item in split.Train)
        {
            index.Upsert(item.ProductId, Project(head, space, item.Vector));
        }

        return (index, split.Train.ToDictionary(i => i.ProductId, i => i.Category));
    }

    internal static float[] Project(MlpHead head, RetrievalSpace space, float[] vector) =>
        space == RetrievalSpace.Hidden ? head.Embed(vector) : vector;

    private async Task<List<StoredVector>> EmbedAugmentedAsync(
        IReadOnlyList<StoredVector> items, int copies, AugmentationOptions augmentation, int seed, CancellationToken cancellationToken)
    {
        var jobs = items.SelectMany((item, index) => Enumerable.Range(1, copies).Select(copy => (Item: item, Seed: Seeds.Mix(seed, index, copy)))).ToList();
        var results = new List<StoredVector>(jobs.Count);
        foreach (var batch in jobs.Chunk(EmbedBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prepared = new PreparedImage?[batch.Length];
            Parallel.For(0, batch.Length, i => prepared[i] = PrepareAugmented(batch[i].Item.ProductId, batch[i].Seed, augmentation));
            var usable = prepared.Select((p, i) => (Prepared: p, Job: batch[i])).Where(x => x.Prepared is not null).ToList();
            var vectors = usable.Count == 0 ? [] : embedder.Embed(usable.Select(x => x.Prepared!).ToList());
            for (var i = 0; i < usable.Count; i++)
            {
                results.Add(new StoredVector(usable[i].Job.Item.ProductId, usable[i].Job.Item.Category, vectors[i]));
                usable[i].Prepared!.Dispose();
            }

            await Task.Yield();
        }

        return results;
    }

    private PreparedImage? PrepareAugmented(string productId, int seed, AugmentationOptions augmentation)
    {
        var image = database.GetImage(productId);
        byte[]? bytes;
        try
        {
            bytes = image?.Bytes ?? (image?.Path is { } path ? File.ReadAllBytes(path) : null);
        }
        catch (IOException)
        {
            return null; // an image that went missing is simply not augmented
        }

        if (bytes is null)
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

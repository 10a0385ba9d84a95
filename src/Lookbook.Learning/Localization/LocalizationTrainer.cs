using Lookbook.Catalog.Storage;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;

namespace Lookbook.Learning.Localization;

/// <summary>What localization learned and how it did on shopper photos of held-out products.</summary>
/// <param name="HitRate">Share of those photos whose best item's box overlaps the product's by IoU ≥ 0.5.</param>
public sealed record LocalizationResult(ObjectnessModel Model, double BalancedAccuracy, double HitRate);

/// <summary>
/// Learns where garments are from the catalog itself: its products pasted into synthesised shopper photos (all
/// strengths) whose masks are known, their feature maps labelled cell by cell (<see cref="ObjectnessTrainer"/>), and
/// checks the result on photos of held-out products. Nothing is learned when the model's feature map is too coarse
/// to localise in (a 64-px input) or the catalog too small.
/// </summary>
public static class LocalizationTrainer
{
    private const int TrainingPhotos = 1_000;
    private const int ValidationPhotos = 200;
    private const int MinimumProducts = 20;
    private const int Batch = 16;

    public static LocalizationResult? Learn(
        CatalogDatabase database, IImageEmbedder embedder, DatasetSplit split, int seed, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (split.Train.Count < MinimumProducts || split.Validation.Count == 0)
        {
            return null;
        }

        var random = new Random(Seeds.Mix(seed, 43));
        var trainIds = split.Train.OrderBy(_ => random.Next()).Take(TrainingPhotos).Select(i => i.ProductId).ToList();
        var probe = Labelled(database, embedder, trainIds.Take(1).ToList(), _ => ShopperPhotoStrength.Medium, seed, cancellationToken);
        if (probe.Count == 0 || probe[0].Map.Height < ObjectnessModel.MinimumMapSide || probe[0].Map.Width < ObjectnessModel.MinimumMapSide)
        {
            progress?.Report("Photos will be searched whole: finding the garments on a photo needs images embedded at 224 px or more (small images such as Fashion-MNIST's are embedded smaller).");
            return null;
        }

        progress?.Report($"Learning where garments are on {trainIds.Count:N0} shopper-like photos…");
        var training = Labelled(database, embedder, trainIds, i => (ShopperPhotoStrength)(i % 3), Seeds.Mix(seed, 47), cancellationToken);
        var model = ObjectnessTrainer.Train([.. training.Select(t => (t.Map, t.Labels))], seed);

        var validationIds = split.Validation.OrderBy(_ => random.Next()).Take(ValidationPhotos).Select(i => i.ProductId).ToList();
        var validation = Labelled(database, embedder, validationIds, _ => ShopperPhotoStrength.Medium, Seeds.Mix(seed, 53), cancellationToken);
        var accuracy = ObjectnessTrainer.BalancedAccuracy(model, [.. validation.Select(v => (v.Map, v.Labels))]);
        var hits = validation.Count(v => model.Detect(v.Map, v.Frame) is [var best, ..] && IntersectionOverUnion(best.Box, v.Truth) >= 0.5f);
        var hitRate = validation.Count == 0 ? 0 : hits / (double)validation.Count;
        progress?.Report($"Localization: {accuracy:P1} of cells told right, {hitRate:P1} of held-out photos' products found (IoU ≥ 0.5)");
        return new LocalizationResult(model, accuracy, hitRate);
    }

    /// <summary>Intersection over union of two boxes (0 when either is empty).</summary>
    public static float IntersectionOverUnion(NormalizedRect a, NormalizedRect b)
    {
        var width = Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X);
        var height = Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y);
        var intersection = Math.Max(0, width) * Math.Max(0, height);
        var union = (a.Width * a.Height) + (b.Width * b.Height) - intersection;
        return union > 0 ? intersection / union : 0f;
    }

    private sealed record LabelledMap(FeatureMap Map, ImageFrame Frame, float[] Labels, NormalizedRect Truth);

    private static List<LabelledMap> Labelled(
        CatalogDatabase database, IImageEmbedder embedder, IReadOnlyList<string> productIds, Func<int, ShopperPhotoStrength> strength, int seed,
        CancellationToken cancellationToken)
    {
        var labelled = new List<LabelledMap>(productIds.Count);
        for (var start = 0; start < productIds.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(Batch, productIds.Count - start);
            var photos = new SynthesizedPhoto?[count];
            var prepared = new PreparedImage?[count];
            try
            {
                Parallel.For(0, count, i =>
                {
                    if (database.ReadImageBytes(productIds[start + i]) is { } bytes)
                    {
                        photos[i] = ShopperPhotoSynthesizer.PhotoWithMask(bytes, strength(start + i), Seeds.Mix(seed, start + i));
                        // Prepared as search prepares what it looks at (quickly, for an int8 look: these photos are larger than the model's input).
                        using var bitmap = ImageDecoder.Decode(photos[i]!.Jpeg, embedder.Preparer.Limits, minShortSide: 2 * embedder.Preparer.InputSize);
                        prepared[i] = embedder.LooksApart ? embedder.Preparer.PrepareForLook(bitmap) : embedder.Preparer.Prepare(bitmap);
                    }
                });
                var usable = Enumerable.Range(0, count).Where(i => prepared[i] is not null).ToList();
                var embedded = embedder.Look([.. usable.Select(i => prepared[i]!)]); // the maps a live search reads
                for (var k = 0; k < usable.Count; k++)
                {
                    var (photo, frame) = (photos[usable[k]]!, prepared[usable[k]]!.Frame);
                    var map = embedded[k].Map;
                    // The truth as far as the model could see it: the product's box within the visible part of the photo.
                    var visible = frame.ToPhoto(0, 0, 1, 1) ?? new NormalizedRect(0, 0, 1, 1);
                    var truth = Clip(photo.Products[0].Box, visible);
                    labelled.Add(new LabelledMap(map, frame, ObjectnessTrainer.CellLabels(map, frame, photo.Products), truth));
                }
            }
            finally
            {
                Array.ForEach(prepared, p => p?.Dispose());
            }
        }

        return labelled;
    }

    private static NormalizedRect Clip(NormalizedRect box, NormalizedRect to)
    {
        var left = Math.Max(box.X, to.X);
        var top = Math.Max(box.Y, to.Y);
        var right = Math.Min(box.X + box.Width, to.X + to.Width);
        var bottom = Math.Min(box.Y + box.Height, to.Y + to.Height);
        return new NormalizedRect(left, top, Math.Max(0, right - left), Math.Max(0, bottom - top));
    }
}

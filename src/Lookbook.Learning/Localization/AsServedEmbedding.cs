using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Learning.Localization;

/// <summary>
/// Shopper photos embedded the way a live search embeds them — located, their garment cropped when small
/// (<see cref="PhotoLocator"/>) — in batches, so that what training learns
/// from and evaluation measures is what shoppers are served.
/// </summary>
public static class AsServedEmbedding
{
    private const int Batch = 16;

    /// <summary>
    /// Whether <paramref name="photo"/> is first looked at by the embedder's int8 copy of the model (<see cref="IImageEmbedder.LooksApart"/>):
    /// only when it is larger than the model's input. A photo no larger — a catalog image, a thumbnail — mostly shows its
    /// garment filling the frame and needs no crop (155 of 200 real catalog images), so a float32 look, whose vector is
    /// then searched, costs one model run instead of two.
    /// </summary>
    public static bool LooksApartAt(this IImageEmbedder embedder, SKBitmap photo) =>
        embedder.LooksApart && Math.Min(photo.Width, photo.Height) > embedder.Preparer.InputSize;

    /// <summary>
    /// The photo as search reads it for a catalog: in one of negatives on black (<paramref name="negativeCatalog"/>), a
    /// photo on a light surface is turned into one of them (<see cref="PhotoPolarity"/>; a new bitmap, the caller's is kept).
    /// Null: the photo itself is read.
    /// </summary>
    public static SKBitmap? MatchedTo(this SKBitmap photo, bool negativeCatalog) => negativeCatalog ? PhotoPolarity.AsNegativeOnBlack(photo) : null;

    /// <summary>One vector per photo; throws <see cref="InvalidDataException"/> for a photo that cannot be decoded.</summary>
    public static List<float[]> EmbedPhotosAsServed(
        this IImageEmbedder embedder, IReadOnlyList<byte[]> photos, PhotoLocator? locator, bool negativeCatalog = false, CancellationToken cancellationToken = default) =>
        [.. embedder.LocateAll(photos, locator, describeColour: false, negativeCatalog, cancellationToken)
            .Select((l, i) => l?.Vector ?? throw new InvalidDataException($"Photo {i} could not be decoded."))];

    /// <summary>
    /// Each photo located as a live search would (null for a photo that cannot be decoded), with
    /// <paramref name="describeColour"/> the colour descriptor of the image searched (the crop when there is one), in a
    /// <paramref name="negativeCatalog"/> turned as search turns it (<see cref="MatchedTo"/>).
    /// </summary>
    public static IReadOnlyList<LocatedPhoto?> LocateAll(
        this IImageEmbedder embedder, IReadOnlyList<byte[]> photos, PhotoLocator? locator, bool describeColour, bool negativeCatalog = false, CancellationToken cancellationToken = default)
    {
        float[]? Colour(PreparedImage searched) => describeColour ? embedder.Preparer.DescribeColour(searched) : null;
        var located = new LocatedPhoto?[photos.Count];
        for (var start = 0; start < photos.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(Batch, photos.Count - start);
            var bitmaps = new SKBitmap?[count];
            var prepared = new PreparedImage?[count];
            var apart = new bool[count];
            var searched = new PreparedImage?[count];
            try
            {
                Parallel.For(0, count, i =>
                {
                    try
                    {
                        bitmaps[i] = ImageDecoder.Decode(photos[start + i], embedder.Preparer.Limits, minShortSide: 2 * embedder.Preparer.InputSize);
                        if (bitmaps[i]!.MatchedTo(negativeCatalog) is { } matched)
                        {
                            bitmaps[i]!.Dispose();
                            bitmaps[i] = matched;
                        }

                        // As search does: an int8 look reads a quickly prepared photo, whose vector is never searched.
                        apart[i] = locator is not null && embedder.LooksApartAt(bitmaps[i]!);
                        prepared[i] = apart[i] ? embedder.Preparer.PrepareForLook(bitmaps[i]!) : embedder.Preparer.Prepare(bitmaps[i]!);
                    }
                    catch (ImageRejectedException)
                    {
                        // Left null: the caller decides what an unreadable photo means.
                    }
                });
                var usable = Enumerable.Range(0, count).Where(i => prepared[i] is not null).ToList();
                if (locator is null)
                {
                    var vectors = embedder.Embed([.. usable.Select(i => prepared[i]!)]);
                    for (var k = 0; k < usable.Count; k++)
                    {
                        located[start + usable[k]] = new LocatedPhoto(vectors[k], [], null) { Colour = Colour(prepared[usable[k]]!) };
                    }

                    continue;
                }

                var firsts = new EmbeddedImage[usable.Count];
                foreach (var looks in usable.Select((i, k) => (I: i, K: k)).GroupBy(x => apart[x.I]))
                {
                    var members = looks.ToList();
                    var images = members.Select(x => prepared[x.I]!).ToList();
                    var embedded = looks.Key ? embedder.Look(images) : embedder.EmbedWithMaps(images);
                    for (var j = 0; j < members.Count; j++)
                    {
                        firsts[members[j].K] = embedded[j];
                    }
                }

                var plans = usable.Select((i, k) => locator.Plan(firsts[k], prepared[i]!.Frame)).ToList();
                // Embedded again: each crop, and each whole photo after an int8 look (its vector is not the catalog's).
                var again = usable.Select((i, k) => (I: i, K: k)).Where(x => plans[x.K].Crop is not null || apart[x.I]).ToList();
                Parallel.ForEach(again, x => searched[x.I] = embedder.Preparer.Prepare(bitmaps[x.I]!, plans[x.K].Crop));
                var searchedVectors = embedder.Embed([.. again.Select(x => searched[x.I]!)]);
                var vectorOf = again.Select((x, c) => (x.K, Vector: searchedVectors[c])).ToDictionary(x => x.K, x => x.Vector);
                for (var k = 0; k < usable.Count; k++)
                {
                    var i = usable[k];
                    located[start + i] = locator.Finish(plans[k], firsts[k], vectorOf.GetValueOrDefault(k)) with
                    {
                        Colour = Colour(searched[i] ?? prepared[i]!),
                    };
                }
            }
            finally
            {
                Array.ForEach(bitmaps, b => b?.Dispose());
                Array.ForEach(prepared, p => p?.Dispose());
                Array.ForEach(searched, p => p?.Dispose());
            }
        }

        return located;
    }
}

using System.Numerics.Tensors;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Learning.Localization;

/// <summary>A garment found on a shopper's photo.</summary>
/// <param name="Box">Where it is, in fractions of the photo's width and height.</param>
/// <param name="Score">How sure localization is that this is a garment (mean objectness of its cells).</param>
/// <param name="Category">What the head thinks it is (null without a head).</param>
/// <param name="Confidence">The head's probability for <paramref name="Category"/>.</param>
public sealed record DetectedItem(NormalizedRect Box, float Score, string? Category, float Confidence);

/// <summary>A photo as search sees it: the vector to search with and the garments found on it.</summary>
/// <param name="Vector">The searched item's own vector when it was cropped, else the whole photo's.</param>
/// <param name="SearchedItem">Index into <paramref name="Items"/> of the item searched (null: the whole photo).</param>
public sealed record LocatedPhoto(float[] Vector, IReadOnlyList<DetectedItem> Items, int? SearchedItem)
{
    /// <summary>The colour descriptor of the image <see cref="Vector"/> was embedded from (null: not asked for).</summary>
    public float[]? Colour { get; init; }
}

/// <summary>What to do after the first look at a photo: the garments on it, the one to search and the crop to embed for it.</summary>
/// <param name="Crop">The region to embed for the searched item (null: the whole photo's vector serves, the item fills it).</param>
public sealed record LocationPlan(IReadOnlyList<DetectedRegion> Regions, int? Chosen, NormalizedRect? Crop);

/// <summary>
/// Finds the garments on a shopper's photo and decides what is searched. The whole photo is embedded first (its
/// feature map is kept); <see cref="ObjectnessModel"/> finds the garments on the map; the best one — or the one the
/// shopper chose — is searched. When it fills little of the frame, it is cropped (a square around it, with a margin)
/// and embedded again: a catalog shot shows its product large and centred, and so should the query (unless the square
/// is what the model already saw: most catalog-like photos, whose square reaches the photo's edges, cost one model
/// run; with an int8 copy of the model for the first look (<see cref="IImageEmbedder.LooksApart"/>), a cheaper look and
/// the whole photo embedded again). The searched item is named from the vector searched; each other item by the head
/// from its own cells of the first map, which costs no further model run.
/// </summary>
public sealed class PhotoLocator(ObjectnessModel objectness, ShotAwareCategories? head)
{
    /// <summary>An item covering less than this share of what the model saw is cropped and embedded on its own.</summary>
    public const float CropBelowShare = 0.6f;

    /// <summary>Margin around a cropped item, as a share of its larger side on each side.</summary>
    public const float CropMargin = 0.1f;

    /// <summary>
    /// Plans from the first look: <paramref name="item"/> chooses an item by index (null: the largest, surest one).
    /// Throws <see cref="ItemNotFoundException"/> when the chosen item does not exist.
    /// </summary>
    public LocationPlan Plan(EmbeddedImage first, ImageFrame frame, int? item = null)
    {
        var regions = objectness.CanRead(first.Map) ? objectness.Detect(first.Map, frame) : [];
        if (item is { } wanted && (wanted < 0 || wanted >= regions.Count))
        {
            throw new ItemNotFoundException(regions.Count == 0
                ? $"item={wanted} was asked for, but no garment was found on the photo; search without item."
                : $"item={wanted} was asked for, but the photo has {regions.Count} item{(regions.Count == 1 ? "" : "s")} (0 to {regions.Count - 1}).");
        }

        if (regions.Count == 0)
        {
            return new LocationPlan(regions, null, null);
        }

        var chosen = item ?? 0;
        var region = regions[chosen];
        // A photo's aspect is in its frame: the frame is square in pixels.
        var aspect = frame.Height / frame.Width;
        var crop = region.Share < CropBelowShare || item is not null ? SquareAround(region.Box, aspect, CropMargin) : (NormalizedRect?)null;
        // A crop that is what the model already saw (a square photo whose garment's square reaches its edges) would be
        // embedded into the same vector: no second model run for it.
        return new LocationPlan(regions, chosen, crop is { } square && Shows(square, frame) ? null : crop);
    }

    /// <summary>
    /// The located photo once the image searched is embedded apart from the first look: <paramref name="searchedVector"/>,
    /// the crop's, or the whole photo's after an int8 look (null: the first look is what is searched).
    /// </summary>
    public LocatedPhoto Finish(LocationPlan plan, EmbeddedImage first, float[]? searchedVector)
    {
        var items = new DetectedItem[plan.Regions.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var region = plan.Regions[i];
            // The searched item is named from the vector searched, so that it agrees with the photo's prediction; the others
            // from their own cells, which make a vector only when the vector is one pooled map (one backbone layer).
            var vector = i == plan.Chosen ? searchedVector ?? first.Vector
                : first.Map.Channels == first.Vector.Length ? OwnVector(first.Map, region.Cells) : null;
            var (category, confidence) = head is null || vector is null ? (null, 0f) : head.Classify(vector);
            items[i] = new DetectedItem(region.Box, region.Score, category, confidence);
        }

        return new LocatedPhoto(searchedVector ?? first.Vector, items, plan.Chosen);
    }

    /// <summary>The largest difference, as a share of the frame's side, at which a crop still shows what the model saw (about a model pixel at 224 px).</summary>
    public const float SameViewTolerance = 0.005f;

    /// <summary>Whether <paramref name="crop"/> is, to within <see cref="SameViewTolerance"/>, the part of the photo the model saw.</summary>
    public static bool Shows(NormalizedRect crop, ImageFrame frame) =>
        Math.Abs(crop.X - frame.X) <= SameViewTolerance * frame.Width
        && Math.Abs(crop.Y - frame.Y) <= SameViewTolerance * frame.Height
        && Math.Abs(crop.Width - frame.Width) <= SameViewTolerance * frame.Width
        && Math.Abs(crop.Height - frame.Height) <= SameViewTolerance * frame.Height;

    /// <summary>
    /// A square region (in pixels) around <paramref name="box"/> with <paramref name="margin"/> of its larger side
    /// added on each side, moved inside the photo where it would leave it; <paramref name="aspect"/> is width / height.
    /// </summary>
    public static NormalizedRect SquareAround(NormalizedRect box, float aspect, float margin)
    {
        // In units of the photo's height, where a square is a square.
        var side = Math.Min(Math.Max(box.Width * aspect, box.Height) * (1 + (2 * margin)), Math.Min(aspect, 1f));
        var centreX = (box.X + (box.Width / 2)) * aspect;
        var centreY = box.Y + (box.Height / 2);
        var left = Math.Clamp(centreX - (side / 2), 0, aspect - side);
        var top = Math.Clamp(centreY - (side / 2), 0, 1 - side);
        return new NormalizedRect(left / aspect, top, side / aspect, side);
    }

    private static float[] OwnVector(FeatureMap map, CellRect cells)
    {
        var pooled = map.Pool(cells.Top, cells.Left, cells.Bottom, cells.Right);
        var norm = TensorPrimitives.Norm(pooled);
        if (norm > 0)
        {
            TensorPrimitives.Divide(pooled, norm, pooled);
        }

        return pooled;
    }
}

/// <summary>A search asked for a detected item the photo does not have (a client's mistake: the message says what exists).</summary>
public sealed class ItemNotFoundException(string message) : ArgumentException(message);

namespace Lookbook.Vision.Images;

/// <summary>
/// The part of the source photo a prepared square shows, in fractions of the photo's (orientation-corrected) width and
/// height. A centre crop shows less than the photo (a portrait loses its top and bottom); padding shows more (values
/// outside 0..1). It maps what the model saw — a cell of its feature map — back onto the shopper's photo.
/// </summary>
public readonly record struct ImageFrame(float X, float Y, float Width, float Height)
{
    /// <summary>The whole photo, as shown when nothing is cropped or padded.</summary>
    public static ImageFrame Whole { get; } = new(0, 0, 1, 1);

    /// <summary>
    /// The photo region under the part (<paramref name="u"/>, <paramref name="v"/>, <paramref name="width"/>,
    /// <paramref name="height"/>) of the square (fractions of its side), clipped to the photo; null when outside it.
    /// </summary>
    public NormalizedRect? ToPhoto(float u, float v, float width, float height)
    {
        var left = Math.Max(0f, X + (u * Width));
        var top = Math.Max(0f, Y + (v * Height));
        var right = Math.Min(1f, X + ((u + width) * Width));
        var bottom = Math.Min(1f, Y + ((v + height) * Height));
        return right > left && bottom > top ? new NormalizedRect(left, top, right - left, bottom - top) : null;
    }
}

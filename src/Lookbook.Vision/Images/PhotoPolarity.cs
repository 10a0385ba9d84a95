using SkiaSharp;

namespace Lookbook.Vision.Images;

/// <summary>
/// Catalogs that store their garments as light shapes on black (Fashion-MNIST: negatives) meet shoppers' photos of
/// garments on light surfaces. Such a photo is searched the way the catalog stores its shots: the surface (what is
/// connected to the border and close to its colour, as <c>ProductCutout</c> cuts catalog shots) becomes black and the
/// garment its negative. The backbone then compares like with like instead of a dark shape with light ones (issue 11,
/// point 7: photo-like queries on Fashion-MNIST). A photo whose border is not light all round — a catalog-like shot, a
/// close crop of a garment — is searched as it is.
/// </summary>
public static class PhotoPolarity
{
    // A catalog shot is on black when its border's colour is darker than this share of white (as ProductCutout decides).
    private const double DarkBelow = 0.3 * 255;

    // A photo's surface is light when this share of its border samples is at least mid-grey: a garment touching the
    // border on one side leaves the rest, a close crop of a light garment on black (its corners black) does not pass.
    private const double LightBorderShare = 0.9;
    private const double LightFrom = 128;

    /// <summary>Whether a catalog shot's background is dark (its border's colour).</summary>
    public static bool IsOnDark(SKBitmap shot) => IsDark(BorderFill.Border(shot).Colour);

    internal static bool IsDark((int R, int G, int B) colour) => BorderFill.Luminance(colour.R, colour.G, colour.B) < DarkBelow;

    /// <summary>
    /// <paramref name="photo"/> as a catalog of negatives on black would store it: a new bitmap with its light surface
    /// black and the rest turned negative; null when its border is not light all round (search it as it is).
    /// </summary>
    public static SKBitmap? AsNegativeOnBlack(SKBitmap photo)
    {
        var (surface, luminances) = BorderFill.Border(photo);
        if (luminances[(int)((1 - LightBorderShare) * luminances.Length)] < LightFrom)
        {
            return null;
        }

        var copy = photo.Copy(SKColorType.Rgba8888);
        if (copy is null)
        {
            return null;
        }

        // Opaque (a decoded photo is), so premultiplied bytes are the colours themselves.
        var pixels = copy.GetPixelSpan();
        var isSurface = BorderFill.Background(pixels, copy.Width, copy.Height, bytesPerPixel: 4, surface, BorderFill.Tolerance);
        if (Array.TrueForAll(isSurface, s => s))
        {
            copy.Dispose();
            return null; // nothing but surface: no garment to turn
        }

        for (var at = 0; at < isSurface.Length; at++)
        {
            var p = at * 4;
            for (var channel = 0; channel < 3; channel++)
            {
                pixels[p + channel] = isSurface[at] ? (byte)0 : (byte)(255 - pixels[p + channel]);
            }

            pixels[p + 3] = 255;
        }

        return copy;
    }
}

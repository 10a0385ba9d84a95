using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Synthesis;

/// <summary>
/// A catalog shot's product without its studio background: the pixels close to the border's colour and connected to
/// the border (a flood fill from the edges) become transparent. Catalog shots are taken on a plain background — white
/// for product photos, black for Fashion-MNIST — so this is what a shopper's photo of the same product would not have.
/// A product cut from black is also turned from negative to positive: a shopper photographs it as daylight shows it.
/// </summary>
internal static class ProductCutout
{
    public static SKBitmap From(SKBitmap source)
    {
        var (width, height) = (source.Width, source.Height);
        var cutout = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(cutout))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawBitmap(source, 0, 0);
        }

        var background = BorderFill.Border(cutout).Colour;
        var pixels = cutout.GetPixelSpan();
        var isBackground = BorderFill.Background(pixels, width, height, bytesPerPixel: 4, background, BorderFill.Tolerance);

        // A catalog on black (Fashion-MNIST) stores its garments as light shapes: a shopper photographs the garment as
        // daylight shows it, darker than a bright background, so the product is turned back into its positive.
        var negative = PhotoPolarity.IsDark(background);
        var (left, top, right, bottom) = (width, height, -1, -1);
        for (var at = 0; at < isBackground.Length; at++)
        {
            if (isBackground[at])
            {
                pixels[(at * 4) + 3] = 0;
                continue;
            }

            if (negative)
            {
                for (var channel = 0; channel < 3; channel++)
                {
                    pixels[(at * 4) + channel] = (byte)(255 - pixels[(at * 4) + channel]);
                }
            }

            var (x, y) = (at % width, at / width);
            (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
        }

        if (right < left)
        {
            return cutout; // nothing but background: keep the whole image rather than nothing
        }

        // Only the product: its size in a synthesised photo is then the product's, not the studio margin's.
        using (cutout)
        using (var product = new SKBitmap())
        {
            cutout.ExtractSubset(product, new SKRectI(left, top, right + 1, bottom + 1));
            return product.Copy(); // its own pixels: the subset shares the cutout's
        }
    }
}

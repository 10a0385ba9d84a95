using SkiaSharp;

namespace Lookbook.Vision.Images;

/// <summary>
/// The background of a product shot: the pixels connected to the image's border through pixels close to the
/// background's colour (a flood fill from every edge pixel). Catalog shots are taken on a plain surface, so this is what
/// is not the product: the synthesiser cuts products out with it (<c>ProductCutout</c>), the colour descriptor leaves it
/// out (<see cref="ColourDescriptor"/>), a photo searched in a catalog of negatives loses its surface (<see cref="PhotoPolarity"/>).
/// </summary>
internal static class BorderFill
{
    /// <summary>How far (sum of channel differences) a pixel may be from the background colour and still count as background.</summary>
    public const int Tolerance = 60;

    /// <summary>
    /// The border's colour: the median per channel of 64 pixels spread along the four edges, so that a product touching
    /// the border does not move it; with each sample's luminance (0–255), darkest first.
    /// </summary>
    public static ((int R, int G, int B) Colour, double[] Luminances) Border(SKBitmap bitmap)
    {
        var samples = new List<SKColor>();
        for (var i = 0; i < 16; i++)
        {
            samples.Add(bitmap.GetPixel(i * (bitmap.Width - 1) / 15, 0));
            samples.Add(bitmap.GetPixel(i * (bitmap.Width - 1) / 15, bitmap.Height - 1));
            samples.Add(bitmap.GetPixel(0, i * (bitmap.Height - 1) / 15));
            samples.Add(bitmap.GetPixel(bitmap.Width - 1, i * (bitmap.Height - 1) / 15));
        }

        int Median(Func<SKColor, byte> channel) => samples.Select(channel).Order().ElementAt(samples.Count / 2);
        return ((Median(c => c.Red), Median(c => c.Green), Median(c => c.Blue)), [.. samples.Select(c => Luminance(c.Red, c.Green, c.Blue)).Order()]);
    }

    /// <summary>Rec. 601 luminance, 0–255.</summary>
    public static double Luminance(int r, int g, int b) => (0.299 * r) + (0.587 * g) + (0.114 * b);

    /// <summary>
    /// Which pixels are background. <paramref name="pixels"/> holds <paramref name="bytesPerPixel"/> bytes a pixel, R, G, B
    /// first, row-major; a pixel is close when the sum of its channel differences to <paramref name="background"/> is at
    /// most <paramref name="tolerance"/> (0–765).
    /// </summary>
    public static bool[] Background(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, (int R, int G, int B) background, int tolerance)
    {
        var count = width * height;
        var isBackground = new bool[count];
        // Each pixel is pushed at most once by each neighbour, plus the border's starts.
        var pending = new int[(4 * count) + (2 * (width + height))];
        var top = 0;
        for (var x = 0; x < width; x++)
        {
            pending[top++] = x;
            pending[top++] = ((height - 1) * width) + x;
        }

        for (var y = 0; y < height; y++)
        {
            pending[top++] = y * width;
            pending[top++] = (y * width) + width - 1;
        }

        while (top > 0)
        {
            var at = pending[--top];
            var p = at * bytesPerPixel;
            if (isBackground[at]
                || Math.Abs(pixels[p] - background.R) + Math.Abs(pixels[p + 1] - background.G) + Math.Abs(pixels[p + 2] - background.B) > tolerance)
            {
                continue;
            }

            isBackground[at] = true;
            var (x, y) = (at % width, at / width);
            if (x > 0 && !isBackground[at - 1])
            {
                pending[top++] = at - 1;
            }

            if (x < width - 1 && !isBackground[at + 1])
            {
                pending[top++] = at + 1;
            }

            if (y > 0 && !isBackground[at - width])
            {
                pending[top++] = at - width;
            }

            if (y < height - 1 && !isBackground[at + width])
            {
                pending[top++] = at + width;
            }
        }

        return isBackground;
    }
}

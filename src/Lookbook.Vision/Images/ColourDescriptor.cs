namespace Lookbook.Vision.Images;

/// <summary>
/// The colours of the garment in a prepared image, as the colour head reads them next to the backbone vector: the
/// pixels not connected to the image's border by the border's own colour (a flood fill from the edges removes a
/// catalog shot's studio background and the white letterbox), binned in CIE Lab. ImageNet features blur shades that a
/// shopper names apart (navy and black, maroon and red); pixels keep them: on the 8,000 real products the colour of
/// unseen products was named right 65% of the time from the backbone vector, 68% with this descriptor beside it
/// (docs/real-photos.md, "Colour").
/// </summary>
/// <remarks>
/// Layout (<see cref="Size"/> floats): the square roots of a normalised 6×6×6 Lab histogram (so the part is a unit vector,
/// like the backbone's), then the foreground's mean L, a, b and their spreads, its mean chroma and the share of the image it covers.
/// On a phone photo's textured background the fill stops early and the background counts as garment; the colour head
/// learns from such photos too, and their colour barely steers ranking (<c>ColourHead.BoostFor</c>).
/// </remarks>
public static class ColourDescriptor
{
    private const int Bins = 6;
    private const int HistogramSize = Bins * Bins * Bins;
    private const int Statistics = 8;

    // Colour names follow hue and lightness (navy is a dark blue, maroon a dark red, pink a light one): a second histogram
    // over 12 hues × 3 lightnesses for chromatic pixels, and 5 lightnesses for the nearly grey ones.
    private const int Hues = 12;
    private const int Lightnesses = 3;
    private const int Greys = 5;
    private const float GreyChroma = 10;
    private const int NameSize = (Hues * Lightnesses) + Greys;

    /// <summary>Floats in a descriptor.</summary>
    public const int Size = HistogramSize + Statistics + NameSize;

    // Every other pixel of each other row: a 224-px input gives 12,544 samples, plenty for 216 bins, in a fraction of a millisecond.
    internal const int Stride = 2;

    // How far (sum of channel differences, 0–765) a pixel may be from the border's colour and still be background.
    private const int Tolerance = 60;

    // RGB quantised to 5 bits a channel → Lab (precomputed once: 32,768 conversions instead of one per pixel).
    private const int Levels = 32;
    private static readonly Lazy<(short Bin, short Name, float L, float A, float B, float Chroma)[]> Table = new(BuildTable);

    /// <summary>The descriptor of an RGB image (3 bytes a pixel, row-major), read at every other pixel of every other row.</summary>
    public static float[] Of(ReadOnlySpan<byte> rgb, int width, int height) => Of(rgb, width, height, Stride);

    /// <summary>The side of the sampled grid for an image side (what <see cref="Of(ReadOnlySpan{byte}, int, int, int)"/> with stride 1 expects of a pre-sampled image).</summary>
    internal static int Sampled(int side) => (side + Stride - 1) / Stride;

    /// <summary>The descriptor of an RGB image read at every <paramref name="stride"/>-th pixel (1: an image already sampled).</summary>
    internal static float[] Of(ReadOnlySpan<byte> rgb, int width, int height, int stride)
    {
        if (rgb.Length < width * height * 3 || width < 1 || height < 1)
        {
            throw new ArgumentException($"Expected {width}x{height} RGB pixels.", nameof(rgb));
        }

        int w = (width + stride - 1) / stride, h = (height + stride - 1) / stride;
        var sampled = new byte[w * h * 3];
        var samples = new int[w * h]; // quantised colour index into Table
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var at = (((y * stride) * width) + (x * stride)) * 3;
                var to = ((y * w) + x) * 3;
                var (r, g, b) = (rgb[at], rgb[at + 1], rgb[at + 2]);
                (sampled[to], sampled[to + 1], sampled[to + 2]) = (r, g, b);
                samples[(y * w) + x] = ((r >> 3) * Levels * Levels) + ((g >> 3) * Levels) + (b >> 3);
            }
        }

        var background = BorderFill.Background(sampled, w, h, bytesPerPixel: 3, BorderColour(sampled, w, h), Tolerance);
        var table = Table.Value;
        var histogram = new float[HistogramSize];
        var names = new float[NameSize];
        double sumL = 0, sumA = 0, sumB = 0, sumL2 = 0, sumA2 = 0, sumB2 = 0, sumChroma = 0;
        var count = 0;
        for (var pass = 0; pass < 2 && count == 0; pass++)
        {
            // Nothing but background (a plain surface): describe the whole image rather than nothing.
            for (var i = 0; i < samples.Length; i++)
            {
                if (pass == 0 && background[i])
                {
                    continue;
                }

                var (bin, name, l, a, b, chroma) = table[samples[i]];
                histogram[bin]++;
                names[name]++;
                (sumL, sumA, sumB) = (sumL + l, sumA + a, sumB + b);
                (sumL2, sumA2, sumB2) = (sumL2 + (l * l), sumA2 + (a * a), sumB2 + (b * b));
                sumChroma += chroma;
                count++;
            }
        }

        var descriptor = new float[Size];
        for (var i = 0; i < HistogramSize; i++)
        {
            descriptor[i] = MathF.Sqrt(histogram[i] / count);
        }

        double Mean(double sum) => sum / count;
        double Spread(double sum, double squares) => Math.Sqrt(Math.Max(0, (squares / count) - (Mean(sum) * Mean(sum))));
        // Scaled to about the unit range, like the histogram's entries.
        descriptor[HistogramSize] = (float)(Mean(sumL) / 100);
        descriptor[HistogramSize + 1] = (float)(Mean(sumA) / 100);
        descriptor[HistogramSize + 2] = (float)(Mean(sumB) / 100);
        descriptor[HistogramSize + 3] = (float)(Spread(sumL, sumL2) / 50);
        descriptor[HistogramSize + 4] = (float)(Spread(sumA, sumA2) / 50);
        descriptor[HistogramSize + 5] = (float)(Spread(sumB, sumB2) / 50);
        descriptor[HistogramSize + 6] = (float)(Mean(sumChroma) / 100);
        descriptor[HistogramSize + 7] = count / (float)samples.Length;
        for (var i = 0; i < NameSize; i++)
        {
            descriptor[HistogramSize + Statistics + i] = MathF.Sqrt(names[i] / count);
        }

        return descriptor;
    }

    /// <summary>The median colour of the border's pixels, per channel: a garment touching the border does not move it.</summary>
    private static (int R, int G, int B) BorderColour(byte[] rgb, int width, int height)
    {
        var border = new List<int>(2 * (width + height));
        for (var x = 0; x < width; x++)
        {
            border.Add(x);
            border.Add(((height - 1) * width) + x);
        }

        for (var y = 0; y < height; y++)
        {
            border.Add(y * width);
            border.Add((y * width) + width - 1);
        }

        int Median(int channel) => border.Select(at => rgb[(at * 3) + channel]).Order().ElementAt(border.Count / 2);
        return (Median(0), Median(1), Median(2));
    }

    private static (short Bin, short Name, float L, float A, float B, float Chroma)[] BuildTable()
    {
        var table = new (short, short, float, float, float, float)[Levels * Levels * Levels];
        for (var r = 0; r < Levels; r++)
        {
            for (var g = 0; g < Levels; g++)
            {
                for (var b = 0; b < Levels; b++)
                {
                    // The centre of the quantisation cell.
                    var (l, a, bb) = Lab(((r << 3) + 4) / 255.0, ((g << 3) + 4) / 255.0, ((b << 3) + 4) / 255.0);
                    var lBin = Math.Clamp((int)(l / 100 * Bins), 0, Bins - 1);
                    // a and b span about −100..100 over sRGB; most garments sit well inside ±60.
                    var aBin = Math.Clamp((int)((a + 60) / 120 * Bins), 0, Bins - 1);
                    var bBin = Math.Clamp((int)((bb + 60) / 120 * Bins), 0, Bins - 1);
                    var chroma = Math.Sqrt((a * a) + (bb * bb));
                    var name = chroma < GreyChroma
                        ? (Hues * Lightnesses) + Math.Clamp((int)(l / 100 * Greys), 0, Greys - 1)
                        : (Math.Clamp((int)(l / 100 * Lightnesses), 0, Lightnesses - 1) * Hues) + ((int)Math.Floor((Math.Atan2(bb, a) + Math.PI) / (2 * Math.PI) * Hues) % Hues);
                    table[(r * Levels * Levels) + (g * Levels) + b] = ((short)((lBin * Bins * Bins) + (aBin * Bins) + bBin), (short)name, (float)l, (float)a, (float)bb, (float)chroma);
                }
            }
        }

        return table;
    }

    /// <summary>sRGB (0–1) → CIE Lab under D65.</summary>
    private static (double L, double A, double B) Lab(double r, double g, double b)
    {
        static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : (7.787 * t) + (16.0 / 116);
        (r, g, b) = (Linear(r), Linear(g), Linear(b));
        var x = ((0.4124 * r) + (0.3576 * g) + (0.1805 * b)) / 0.95047;
        var y = (0.2126 * r) + (0.7152 * g) + (0.0722 * b);
        var z = ((0.0193 * r) + (0.1192 * g) + (0.9505 * b)) / 1.08883;
        var (fx, fy, fz) = (F(x), F(y), F(z));
        return ((116 * fy) - 16, 500 * (fx - fy), 200 * (fy - fz));
    }
}

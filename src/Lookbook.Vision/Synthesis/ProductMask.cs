using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Synthesis;

/// <summary>A synthesised photo (JPEG) and where each of its products lies.</summary>
public sealed record SynthesizedPhoto(byte[] Jpeg, IReadOnlyList<ProductMask> Products);

/// <summary>
/// Where one product lies in a synthesised photo: its coverage on a coarse grid (1 = product, 0 = background, at a
/// quarter of the photo's resolution — finer than any feature map) and its bounding box. Occluders are not removed:
/// a hand over a sleeve still leaves the sleeve where it was. This is the truth localization learns and is measured on.
/// </summary>
public sealed class ProductMask
{
    /// <summary>Photo pixels per mask cell along each side.</summary>
    public const int Reduction = 4;

    private readonly byte[] _alpha;

    private ProductMask(int width, int height, byte[] alpha, NormalizedRect box)
    {
        Width = width;
        Height = height;
        _alpha = alpha;
        Box = box;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The product's bounding box in fractions of the photo.</summary>
    public NormalizedRect Box { get; }

    /// <summary>Share of the region (fractions of the photo) that the product covers, 0..1.</summary>
    public float Coverage(NormalizedRect region)
    {
        var left = Math.Clamp((int)MathF.Floor(region.X * Width), 0, Width);
        var top = Math.Clamp((int)MathF.Floor(region.Y * Height), 0, Height);
        var right = Math.Clamp((int)MathF.Ceiling((region.X + region.Width) * Width), left, Width);
        var bottom = Math.Clamp((int)MathF.Ceiling((region.Y + region.Height) * Height), top, Height);
        long sum = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                sum += _alpha[(y * Width) + x];
            }
        }

        var cells = (right - left) * (bottom - top);
        return cells == 0 ? 0f : sum / (255f * cells);
    }

    internal static ProductMask Draw(SKBitmap cutout, float centreX, float centreY, float rotation, float scale, int photoWidth, int photoHeight)
    {
        int width = photoWidth / Reduction, height = photoHeight / Reduction;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Alpha8, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        canvas.Scale(1f / Reduction);
        canvas.Translate(centreX, centreY);
        canvas.RotateDegrees(rotation);
        canvas.Scale(scale);
        using (var image = SKImage.FromBitmap(cutout))
        {
            canvas.DrawImage(image, -cutout.Width / 2f, -cutout.Height / 2f, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var alpha = new byte[width * height];
        using (var pixels = surface.PeekPixels())
        {
            var all = pixels.GetPixelSpan<byte>();
            for (var y = 0; y < height; y++)
            {
                all.Slice(y * pixels.RowBytes, width).CopyTo(alpha.AsSpan(y * width, width));
            }
        }

        int minX = width, minY = height, maxX = -1, maxY = -1;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (alpha[(y * width) + x] > 127)
                {
                    (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
                }
            }
        }

        var box = maxX < 0
            ? new NormalizedRect(0, 0, 0, 0)
            : new NormalizedRect((float)minX / width, (float)minY / height, (float)(maxX + 1 - minX) / width, (float)(maxY + 1 - minY) / height);
        return new ProductMask(width, height, alpha, box);
    }
}

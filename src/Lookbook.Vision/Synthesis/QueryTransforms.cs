using SkiaSharp;

namespace Lookbook.Vision.Synthesis;

/// <summary>The ways a query image is changed to test how search holds up: each as a shopper's camera would change it.</summary>
public enum QueryTransform
{
    Clean,
    Rotated,
    Noisy,
    Blurred,
    Cropped,

    /// <summary>The garment in a phone photo: enlarged on a light textured surface (a bed, a table), tilted a little, the way daylight shows it.</summary>
    PhotoLike,
}

/// <summary>Applies a <see cref="QueryTransform"/> to an encoded image, deterministically under a seed.</summary>
public static class QueryTransforms
{
    public const float RotationDegrees = 15;

    /// <summary>The transformed image, encoded (PNG, or the synthesiser's JPEG for photo-like).</summary>
    public static byte[] Apply(byte[] image, QueryTransform transform, int seed)
    {
        if (transform == QueryTransform.Clean)
        {
            return image;
        }

        if (transform == QueryTransform.PhotoLike)
        {
            return PhotoLike(image, new Random(seed));
        }

        using var source = SKBitmap.Decode(image) ?? throw new ArgumentException("The query image could not be decoded.", nameof(image));
        // Worked on at 4× a small image's size, so a blur or a rotation is not lost to the pixel grid.
        var scale = Math.Max(1, 112 / Math.Max(source.Width, source.Height));
        var (width, height) = (source.Width * scale, source.Height * scale);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        var corner = source.GetPixel(0, 0);
        canvas.Clear(corner);
        using var image2 = SKImage.FromBitmap(source);
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
        var random = new Random(seed);
        switch (transform)
        {
            case QueryTransform.Rotated:
                canvas.Translate(width / 2f, height / 2f);
                canvas.RotateDegrees(random.Next(2) == 0 ? -RotationDegrees : RotationDegrees);
                canvas.Translate(-width / 2f, -height / 2f);
                canvas.DrawImage(image2, new SKRect(0, 0, width, height), sampling);
                break;
            case QueryTransform.Blurred:
                using (var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(1.2f * scale, 1.2f * scale) })
                {
                    canvas.DrawImage(image2, new SKRect(0, 0, width, height), sampling, paint);
                }

                break;
            case QueryTransform.Cropped:
                // The middle 80%: a photo that cuts off the garment's edges.
                canvas.DrawImage(image2, SKRect.Create(source.Width * 0.1f, source.Height * 0.1f, source.Width * 0.8f, source.Height * 0.8f), new SKRect(0, 0, width, height), sampling);
                break;
            case QueryTransform.Noisy:
                canvas.DrawImage(image2, new SKRect(0, 0, width, height), sampling);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(transform), transform, null);
        }

        using var snapshot = surface.Snapshot();
        using var bitmap = SKBitmap.FromImage(snapshot);
        if (transform == QueryTransform.Noisy)
        {
            AddNoise(bitmap, random, sigma: 25);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// The product cut from its catalog background (a negative stored on black turned positive), on a light fabric-like
    /// surface in a 3:4 frame, filling 55–75% of its width, tilted up to 8°, through a phone's JPEG.
    /// </summary>
    private static byte[] PhotoLike(byte[] image, Random random)
    {
        const int Width = 240, Height = 320;
        using var source = SKBitmap.Decode(image) ?? throw new ArgumentException("The query image could not be decoded.", nameof(image));
        using var cutout = ProductCutout.From(source);
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor((byte)random.Next(200, 246), (byte)random.Next(195, 246), (byte)random.Next(190, 246)));
        using (var weave = new SKPaint { IsAntialias = true, StrokeWidth = 2 })
        {
            for (var line = 0; line < 40; line++)
            {
                weave.Color = new SKColor((byte)random.Next(150, 256), (byte)random.Next(150, 256), (byte)random.Next(150, 256), 50);
                var y = random.Next(Height);
                canvas.DrawLine(0, y, Width, y + random.Next(-20, 21), weave);
            }
        }

        var fill = 0.55f + (random.NextSingle() * 0.2f);
        var scale = Math.Min(fill * Width / cutout.Width, fill * Height / cutout.Height);
        canvas.Translate((Width / 2f) + random.Next(-10, 11), (Height / 2f) + random.Next(-15, 16));
        canvas.RotateDegrees((random.NextSingle() * 16) - 8);
        canvas.Scale(scale);
        using (var product = SKImage.FromBitmap(cutout))
        {
            canvas.DrawImage(product, -cutout.Width / 2f, -cutout.Height / 2f, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    /// <summary>Gaussian sensor noise of <paramref name="sigma"/> grey levels on every channel.</summary>
    private static void AddNoise(SKBitmap bitmap, Random random, float sigma)
    {
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i++)
        {
            if (i % 4 == 3)
            {
                continue;
            }

            var gaussian = MathF.Sqrt(-2f * MathF.Log(1f - random.NextSingle())) * MathF.Cos(2f * MathF.PI * random.NextSingle());
            pixels[i] = (byte)Math.Clamp(pixels[i] + (gaussian * sigma), 0, 255);
        }
    }
}

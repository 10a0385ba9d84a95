using SkiaSharp;

namespace Lookbook.Vision.Synthesis;

/// <summary>
/// Turns catalog shots into the photos shoppers take of the same products — the product smaller in the frame, on a
/// textured or coloured background, tilted, partly covered, in other light, blurred, through a phone's JPEG — at a
/// chosen <see cref="ShopperPhotoStrength"/>, and makes images with no fashion item at all. Deterministic: the same
/// image, strength and seed give the same bytes, so an evaluation can be repeated and a training run reproduced.
/// </summary>
public static class ShopperPhotoSynthesizer
{
    /// <summary>A portrait phone photo, small enough to keep evaluation fast.</summary>
    public const int Width = 480;

    public const int Height = 640;

    /// <summary>One shopper-like photo (JPEG) of the product in <paramref name="catalogImage"/>.</summary>
    /// <param name="otherParameters">Draw from ranges training never uses (evaluation: does what was learned carry over?).</param>
    public static byte[] Photo(ReadOnlySpan<byte> catalogImage, ShopperPhotoStrength strength, int seed, bool otherParameters = false) =>
        PhotoWithMask(catalogImage, strength, seed, otherParameters).Jpeg;

    /// <summary><see cref="Photo"/> with where the product lies in it (the same bytes as <see cref="Photo"/>).</summary>
    public static SynthesizedPhoto PhotoWithMask(ReadOnlySpan<byte> catalogImage, ShopperPhotoStrength strength, int seed, bool otherParameters = false)
    {
        using var product = Decode(catalogImage);
        return Render([product], StrengthRanges.Of(strength, otherParameters), new Random(seed));
    }

    /// <summary>Two or three products side by side in one photo (an outfit), at the given strength.</summary>
    public static byte[] Outfit(IReadOnlyList<byte[]> catalogImages, ShopperPhotoStrength strength, int seed) =>
        OutfitWithMask(catalogImages, strength, seed).Jpeg;

    /// <summary><see cref="Outfit"/> with where each product lies in it.</summary>
    public static SynthesizedPhoto OutfitWithMask(IReadOnlyList<byte[]> catalogImages, ShopperPhotoStrength strength, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(catalogImages.Count, 2);
        var products = catalogImages.Select(bytes => Decode(bytes)).ToList();
        try
        {
            return Render(products, StrengthRanges.Of(strength), new Random(seed));
        }
        finally
        {
            products.ForEach(p => p.Dispose());
        }
    }

    /// <summary>An image without any fashion item: a texture, a plain surface, a scene or noise (JPEG).</summary>
    public static byte[] Unrelated(int seed)
    {
        var random = new Random(seed);
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        switch (random.Next(4))
        {
            case 0:
                Backgrounds.Draw(canvas, Width, Height, random, texture: 1f);
                break;
            case 3:
                Backgrounds.Draw(canvas, Width, Height, random, texture: 0f); // a wall, a sheet of paper
                break;
            case 1:
                Backgrounds.Scene(canvas, Width, Height, random);
                break;
            default:
                Backgrounds.Noise(canvas, Width, Height, random);
                break;
        }

        return Encode(surface, 80);
    }

    private static SynthesizedPhoto Render(IReadOnlyList<SKBitmap> products, StrengthRanges ranges, Random random)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        var masks = new List<ProductMask>(products.Count);
        Backgrounds.Draw(canvas, Width, Height, random, ranges.BackgroundTexture * (0.5f + (random.NextSingle() * 0.5f)));

        // Side by side for an outfit: each product gets its share of the frame's width.
        var slot = (float)Width / products.Count;
        for (var i = 0; i < products.Count; i++)
        {
            using var cutout = ProductCutout.From(products[i]);
            var fill = Between(random, ranges.MinFill, ranges.MaxFill);
            var scale = Math.Min(fill * slot / cutout.Width, fill * Height / cutout.Height);
            var centreX = (slot * (i + 0.5f)) + Between(random, -0.2f, 0.2f) * slot * (1 - fill);
            var centreY = (Height / 2f) + (Between(random, -0.3f, 0.3f) * Height * (1 - fill));
            canvas.Save();
            canvas.Translate(centreX, centreY);
            var rotation = Between(random, -ranges.MaxRotationDegrees, ranges.MaxRotationDegrees);
            canvas.RotateDegrees(rotation);
            canvas.Scale(scale);
            using (var image = SKImage.FromBitmap(cutout))
            {
                canvas.DrawImage(image, -cutout.Width / 2f, -cutout.Height / 2f, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            }

            canvas.Restore();
            // Drawn without touching the random stream, so a photo's bytes do not depend on whether its mask is wanted.
            masks.Add(ProductMask.Draw(cutout, centreX, centreY, rotation, scale, Width, Height));
            if (random.NextSingle() < ranges.OcclusionProbability)
            {
                Occlude(canvas, random, centreX, centreY, cutout.Width * scale, cutout.Height * scale);
            }
        }

        using var snapshot = surface.Snapshot();
        using var finished = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var paint = new SKPaint())
        {
            paint.ColorFilter = Light(random, ranges.MaxLightShift);
            var sigma = Between(random, 0, ranges.MaxBlurSigma);
            paint.ImageFilter = sigma > 0.05f ? SKImageFilter.CreateBlur(sigma, sigma) : null;
            finished.Canvas.DrawImage(snapshot, 0, 0, paint);
        }

        return new SynthesizedPhoto(Encode(finished, ranges.JpegQuality), masks);
    }

    /// <summary>A hand or an object in front of part of the product: an ellipse over one of its edges.</summary>
    private static void Occlude(SKCanvas canvas, Random random, float centreX, float centreY, float width, float height)
    {
        Span<SKColor> skin = [new(224, 172, 138), new(198, 134, 66), new(141, 85, 36), new(255, 219, 172)];
        using var paint = new SKPaint { IsAntialias = true, Color = random.NextSingle() < 0.6f ? skin[random.Next(skin.Length)] : Backgrounds.RandomColour(random) };
        var side = random.Next(4);
        var x = centreX + ((side == 0 ? -0.5f : side == 1 ? 0.5f : Between(random, -0.3f, 0.3f)) * width);
        var y = centreY + ((side == 2 ? -0.5f : side == 3 ? 0.5f : Between(random, -0.3f, 0.3f)) * height);
        canvas.DrawOval(x, y, width * Between(random, 0.15f, 0.3f), height * Between(random, 0.12f, 0.25f), paint);
    }

    /// <summary>Other light: brighter or darker, warmer or cooler, flatter or harsher.</summary>
    private static SKColorFilter Light(Random random, float shift)
    {
        var gain = 1 + Between(random, -shift, shift);
        var warmth = Between(random, -shift, shift) / 2;
        var contrast = 1 + Between(random, -shift, shift);
        var offset = 128 * (1 - contrast) / 255f;
        return SKColorFilter.CreateColorMatrix(
        [
            gain * contrast * (1 + warmth), 0, 0, 0, offset,
            0, gain * contrast, 0, 0, offset,
            0, 0, gain * contrast * (1 - warmth), 0, offset,
            0, 0, 0, 1, 0,
        ]);
    }

    private static SKBitmap Decode(ReadOnlySpan<byte> bytes) =>
        SKBitmap.Decode(bytes) ?? throw new ArgumentException("The catalog image could not be decoded.", nameof(bytes));

    private static byte[] Encode(SKSurface surface, int quality)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    internal static float Between(Random random, float low, float high) => low + (random.NextSingle() * (high - low));
}

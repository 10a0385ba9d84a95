using Lookbook.Testing;
using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

public sealed class ImageAugmenterTests
{
    private static SKBitmap Source() => ImageDecoder.Decode(TestImages.Quadrants(64, 64), ImageLimits.Default);

    [Fact]
    public void The_same_seed_gives_the_same_image_and_another_seed_another()
    {
        using var source = Source();
        using var a = ImageAugmenter.Augment(source, new Random(5), new AugmentationOptions());
        using var b = ImageAugmenter.Augment(source, new Random(5), new AugmentationOptions());
        using var c = ImageAugmenter.Augment(source, new Random(6), new AugmentationOptions());

        Assert.Equal((64, 64), (a.Width, a.Height));
        Assert.Equal(a.GetPixelSpan().ToArray(), b.GetPixelSpan().ToArray());
        Assert.NotEqual(a.GetPixelSpan().ToArray(), c.GetPixelSpan().ToArray());
    }

    [Fact]
    public void A_flip_alone_mirrors_the_image()
    {
        using var source = Source();
        var flipOnly = new AugmentationOptions(FlipProbability: 1, MaxRotationDegrees: 0, MaxZoom: 0, MaxShift: 0, MaxBrightness: 0, MaxContrast: 0, NoiseStdDev: 0);

        using var flipped = ImageAugmenter.Augment(source, new Random(1), flipOnly);

        Assert.Equal(SKColors.Lime, flipped.GetPixel(16, 16)); // green was top-right
        Assert.Equal(SKColors.Red, flipped.GetPixel(48, 16));
    }

    [Fact]
    public void Brightness_and_noise_change_pixels_within_bounds()
    {
        using var source = ImageDecoder.Decode(TestImages.Grey(128, 32, 32), ImageLimits.Default);
        var lightOnly = new AugmentationOptions(FlipProbability: 0, MaxRotationDegrees: 0, MaxZoom: 0, MaxShift: 0, MaxBrightness: 0.3f, MaxContrast: 0, NoiseStdDev: 8);

        using var varied = ImageAugmenter.Augment(source, new Random(3), lightOnly);

        var values = Enumerable.Range(0, 32).Select(x => (int)varied.GetPixel(x, 10).Red).ToList();
        Assert.True(values.Distinct().Count() > 3, "noise varies the pixels");
        Assert.InRange(values.Average(), 128 - 80, 128 + 80);
    }

    [Fact]
    public void A_blur_softens_the_edge_between_two_colours_and_the_defaults_never_blur()
    {
        using var source = Source();
        var still = new AugmentationOptions(FlipProbability: 0, MaxRotationDegrees: 0, MaxZoom: 0, MaxShift: 0, MaxBrightness: 0, MaxContrast: 0, NoiseStdDev: 0);
        var blurred = still with { BlurProbability = 1, MaxBlur = 0.05f };

        using var sharp = ImageAugmenter.Augment(source, new Random(2), still);
        using var soft = ImageAugmenter.Augment(source, new Random(2), blurred);

        // Red meets green at x = 32: sharp, the pixel beside the edge is still pure red; blurred, it has green in it.
        Assert.Equal(SKColors.Red, sharp.GetPixel(30, 16));
        Assert.True(soft.GetPixel(30, 16).Green > 20, $"blurred edge pixel {soft.GetPixel(30, 16)}");
        Assert.Equal(0, new AugmentationOptions().BlurProbability); // framing copies stay sharp (and draw as before)
        Assert.True(AugmentationOptions.Camera.BlurProbability > 0 && AugmentationOptions.Camera.NoiseStdDev > AugmentationOptions.Framing.NoiseStdDev);
    }
}

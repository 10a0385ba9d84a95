using System.Numerics.Tensors;
using Lookbook.Testing;
using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

public sealed class ColourDescriptorTests
{
    private static readonly ImagePreparer Preparer = new(new PreprocessingOptions { InputSize = 64 });

    // A garment-like rectangle of one colour on a studio background, a third of the frame wide and half of it high.
    private static byte[] Garment(SKColor colour, SKColor background)
    {
        using var bitmap = new SKBitmap(90, 90);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background);
            using var paint = new SKPaint { Color = colour };
            canvas.DrawRect(30, 20, 30, 45, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static float[] Describe(byte[] image)
    {
        using var prepared = Preparer.Prepare(image);
        return Preparer.DescribeColour(prepared);
    }

    // Layout: 216 histogram entries, then mean L, a, b (÷100), their spreads, mean chroma, foreground share, then 41 hue × lightness entries.
    private static (float L, float A, float B, float Share) Summary(float[] d) => (d[216] * 100, d[217] * 100, d[218] * 100, d[223]);

    [Fact]
    public void The_studio_background_is_left_out_and_the_garments_colour_described()
    {
        var red = Summary(Describe(Garment(new SKColor(200, 30, 40), SKColors.White)));

        Assert.InRange(red.Share, 0.1, 0.25); // the rectangle's 30×45 of 90×90 (≈ 0.17), not the white around it
        Assert.InRange(red.L, 35, 55);
        Assert.True(red.A > 45, $"a* of red: {red.A}");
        Assert.True(red.B > 20, $"b* of red: {red.B}");
    }

    [Fact]
    public void Navy_and_black_which_a_photo_model_blurs_are_told_apart()
    {
        var navy = Describe(Garment(new SKColor(25, 35, 90), SKColors.White));
        var black = Describe(Garment(new SKColor(25, 25, 28), SKColors.White));

        Assert.True(Summary(navy).B < -25, $"b* of navy: {Summary(navy).B}");
        Assert.InRange(Summary(black).B, -5, 5);
        // Histograms (unit vectors) with nothing in common: the colours fall in different bins.
        Assert.True(TensorPrimitives.Dot(navy.AsSpan(0, 216), black.AsSpan(0, 216)) < 0.2f);
    }

    [Fact]
    public void The_histograms_are_unit_vectors_and_the_result_is_deterministic()
    {
        var image = Garment(new SKColor(230, 190, 40), new SKColor(240, 240, 240));
        var first = Describe(image);

        Assert.Equal(ColourDescriptor.Size, first.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(first.AsSpan(0, 216)), 3);
        Assert.Equal(1f, TensorPrimitives.Norm(first.AsSpan(224)), 3);
        Assert.Equal(first, Describe(image));
    }

    [Fact]
    public void A_plain_surface_is_described_whole_rather_than_as_nothing()
    {
        var plain = Summary(Describe(TestImages.Solid(new SKColor(40, 120, 60), 50, 50)));

        Assert.Equal(1f, plain.Share);
        Assert.True(plain.A < -20, $"a* of green: {plain.A}");
    }

    [Fact]
    public void A_garment_on_black_is_described_by_its_own_colour()
    {
        var yellowOnBlack = Summary(Describe(Garment(new SKColor(230, 200, 40), SKColors.Black)));

        Assert.InRange(yellowOnBlack.Share, 0.1, 0.25);
        Assert.True(yellowOnBlack.L > 75 && yellowOnBlack.B > 60, $"L {yellowOnBlack.L}, b* {yellowOnBlack.B}");
    }

    [Fact]
    public void Too_few_pixels_for_the_size_given_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => ColourDescriptor.Of(new byte[10], 4, 4));
    }
}

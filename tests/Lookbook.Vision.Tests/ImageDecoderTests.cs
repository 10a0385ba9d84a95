using Lookbook.Testing;
using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

public sealed class ImageDecoderTests
{
    private static readonly ImageLimits Limits = ImageLimits.Default;

    private static string Nearest(SKColor c)
    {
        (string Name, SKColor Color)[] palette = [("red", SKColors.Red), ("green", SKColors.Lime), ("blue", SKColors.Blue), ("yellow", SKColors.Yellow)];
        return palette.MinBy(p => Math.Pow(p.Color.Red - c.Red, 2) + Math.Pow(p.Color.Green - c.Green, 2) + Math.Pow(p.Color.Blue - c.Blue, 2)).Name;
    }

    /// <summary>
    /// The stored image has red, green, blue and yellow quadrants (TL, TR, BL, BR). Each EXIF orientation
    /// says how to turn it upright; the expected corners follow the EXIF 2.32 definition of tag 0x0112.
    /// </summary>
    [Theory]
    [InlineData(1, "red", "green", false)]
    [InlineData(2, "green", "red", false)]
    [InlineData(3, "yellow", "blue", false)]
    [InlineData(4, "blue", "yellow", false)]
    [InlineData(5, "red", "blue", true)]
    [InlineData(6, "blue", "red", true)]
    [InlineData(7, "yellow", "green", true)]
    [InlineData(8, "green", "yellow", true)]
    public void Exif_orientation_is_applied(ushort orientation, string topLeft, string topRight, bool swapsAxes)
    {
        var jpeg = TestImages.WithExifOrientation(TestImages.Quadrants(64, 32, SKEncodedImageFormat.Jpeg), orientation);

        using var bitmap = ImageDecoder.Decode(jpeg, Limits);

        Assert.Equal(swapsAxes ? (32, 64) : (64, 32), (bitmap.Width, bitmap.Height));
        Assert.Equal(topLeft, Nearest(bitmap.GetPixel(bitmap.Width / 4, bitmap.Height / 4)));
        Assert.Equal(topRight, Nearest(bitmap.GetPixel(3 * bitmap.Width / 4, bitmap.Height / 4)));
        Assert.Equal(new ImageHeader(bitmap.Width, bitmap.Height, "JPEG"), ImageDecoder.ReadHeader(jpeg, Limits));
    }

    public static TheoryData<string, byte[], string> GoodFiles => new()
    {
        { "JPEG", TestImages.Solid(SKColors.Red, format: SKEncodedImageFormat.Jpeg), "red" },
        { "PNG", TestImages.Solid(SKColors.Blue), "blue" },
        { "WEBP", TestImages.Solid(SKColors.Yellow, format: SKEncodedImageFormat.Webp), "yellow" },
        { "GIF", File.ReadAllBytes(RepositoryPaths.Fixture("two-frames.gif")), "red" }, // first frame only
        { "BMP", File.ReadAllBytes(RepositoryPaths.Fixture("green.bmp")), "green" },
    };

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Each_supported_format_decodes(string format, byte[] bytes, string colour)
    {
        using var bitmap = ImageDecoder.Decode(bytes, Limits);
        Assert.Equal(colour, Nearest(bitmap.GetPixel(8, 8)));
        Assert.Equal(format, ImageDecoder.ReadHeader(bytes, Limits).Format);
    }

    public static TheoryData<string, byte[], ImageProblem, string> BadFiles => new()
    {
        { "empty", [], ImageProblem.Empty, "empty" },
        { "text", "name,price\nshirt,10\n"u8.ToArray(), ImageProblem.NotAnImage, "not a supported image" },
        { "truncated JPEG", TestImages.Noise(256, 256, 1)[..6000], ImageProblem.Truncated, "truncated" },
        { "truncated PNG", TestImages.Noise(256, 256, 2, SKEncodedImageFormat.Png)[..20000], ImageProblem.Truncated, "truncated" },
        { "header only", TestImages.Noise(64, 64, 3)[..40], ImageProblem.Truncated, "truncated" },
        { "decompression bomb", TestImages.PngHeaderClaiming(50_000, 50_000), ImageProblem.TooLarge, "2500.0 megapixels" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_files_are_rejected_with_a_reason(string kind, byte[] bytes, ImageProblem problem, string message)
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, Limits));
        Assert.True(error.Problem == problem, $"{kind}: expected {problem}, got {error.Problem} ({error.Message})");
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Files_over_the_byte_limit_are_refused_before_decoding()
    {
        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(TestImages.Noise(64, 64, 4), new ImageLimits(MaxBytes: 100, MaxPixels: 1_000_000)));
        Assert.Equal(ImageProblem.TooLarge, error.Problem);
        Assert.Contains("MB", error.Message);
    }

    [Fact]
    public void Large_JPEGs_are_decoded_at_a_reduced_scale_when_asked()
    {
        var photo = TestImages.Noise(1600, 1200, 5);
        using var bitmap = ImageDecoder.Decode(photo, Limits, minShortSide: 128);
        Assert.InRange(Math.Min(bitmap.Width, bitmap.Height), 128, 600);
    }
}

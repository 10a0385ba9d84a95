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

    [Theory]
    [InlineData("PNG")]
    [InlineData("BMP")] // decoded row by row, stored bottom-up: rows arrive last first
    public void Large_PNG_and_BMP_come_back_no_larger_than_asked(string format)
    {
        var photo = format == "PNG" ? TestImages.Quadrants(2400, 1800) : BottomUpBmp(2400, 1800);

        using var bitmap = ImageDecoder.Decode(photo, Limits, minShortSide: 448);

        Assert.Equal((600, 450), (bitmap.Width, bitmap.Height)); // 1800 / 448 → a factor of 4
        Assert.Equal("red", Nearest(bitmap.GetPixel(10, 10)));
        Assert.Equal("green", Nearest(bitmap.GetPixel(590, 10)));
        Assert.Equal("blue", Nearest(bitmap.GetPixel(10, 440)));
        Assert.Equal("yellow", Nearest(bitmap.GetPixel(590, 440)));
        Assert.Equal(SKColors.Red, bitmap.GetPixel(100, 100)); // inside a quadrant the average is the colour itself
        using var whole = ImageDecoder.Decode(photo, Limits);
        Assert.Equal((2400, 1800), (whole.Width, whole.Height)); // asked for everything, decoded whole
    }

    [Fact]
    public void A_grey_40_megapixel_PNG_of_a_few_KB_decodes_small_and_its_cost_counts_every_pixel()
    {
        var bomb = TestImages.Grey(128, 6300, 6300);
        Assert.True(bomb.Length < 100_000);

        using var bitmap = ImageDecoder.Decode(bomb, Limits, minShortSide: 448);

        Assert.InRange(Math.Min(bitmap.Width, bitmap.Height), 448, 900);
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2));
        // Skia decodes PNG only whole: the budget must count every pixel, and the mipmaps that shrink them.
        Assert.InRange(ImageDecoder.DecodeCost(bomb, Limits, minShortSide: 448), 6300L * 6300 * 4 / 3, 6300L * 6300 * 3 / 2);
        Assert.Equal(6300L * 6300, ImageDecoder.DecodeCost(bomb, Limits)); // asked for every pixel
    }

    [Fact]
    public void A_large_BMP_decoded_row_by_row_costs_a_fraction_of_its_pixels()
    {
        Assert.InRange(ImageDecoder.DecodeCost(BottomUpBmp(2400, 1800), Limits, minShortSide: 448), 600 * 450, 600 * 460);
    }

    [Fact]
    public void A_truncated_large_BMP_decoded_row_by_row_is_reported_truncated()
    {
        var photo = BottomUpBmp(1600, 1200);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(photo.AsSpan(0, photo.Length / 2), Limits, minShortSide: 200));

        Assert.Equal(ImageProblem.Truncated, error.Problem);
    }

    /// <summary>An uncompressed 24-bit BMP with positive height (rows stored bottom-up) of the four quadrants.</summary>
    private static byte[] BottomUpBmp(int width, int height)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var bytes = new byte[54 + (rowBytes * height)];
        void Int(int at, int value) => BitConverter.GetBytes(value).CopyTo(bytes, at);
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        Int(2, bytes.Length);
        Int(10, 54);
        Int(14, 40);
        Int(18, width);
        Int(22, height);
        bytes[26] = 1;
        bytes[28] = 24;
        for (var y = 0; y < height; y++)
        {
            var stored = 54 + ((height - 1 - y) * rowBytes);
            for (var x = 0; x < width; x++)
            {
                var colour = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => SKColors.Red,
                    (false, true) => SKColors.Lime,
                    (true, false) => SKColors.Blue,
                    _ => SKColors.Yellow,
                };
                bytes[stored + (x * 3)] = colour.Blue;
                bytes[stored + (x * 3) + 1] = colour.Green;
                bytes[stored + (x * 3) + 2] = colour.Red;
            }
        }

        return bytes;
    }
}

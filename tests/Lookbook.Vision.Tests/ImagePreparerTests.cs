using Lookbook.Testing;
using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

public sealed class ImagePreparerTests
{
    private static readonly PreprocessingOptions ResNet18Defaults = new() { InputSize = 32 };

    private static float[] Prepare(byte[] image, PreprocessingOptions? options = null, NormalizedRect? region = null)
    {
        var preparer = new ImagePreparer(options ?? ResNet18Defaults);
        using var prepared = preparer.Prepare(image, region);
        return prepared.Planes.ToArray();
    }

    private static float Pixel(float[] planes, int size, int plane, int x, int y) => planes[(plane * size * size) + (y * size) + x];

    [Fact]
    public void Red_pixels_become_the_BGR_mean_subtracted_planes_the_ResNet18_expects()
    {
        var planes = Prepare(TestImages.Solid(SKColors.Red, 10, 10));

        Assert.Equal(3 * 32 * 32, planes.Length);
        // Plane order B, G, R; values 0..255 minus the ImageNet channel means; no std division.
        Assert.All(planes[..1024], v => Assert.Equal(0 - 103.06f, v, 3));
        Assert.All(planes[1024..2048], v => Assert.Equal(0 - 115.90f, v, 3));
        Assert.All(planes[2048..], v => Assert.Equal(255 - 123.15f, v, 3));
    }

    [Fact]
    public void Torchvision_style_options_give_RGB_planes_scaled_and_standardised()
    {
        var options = new PreprocessingOptions
        {
            InputSize = 32,
            ChannelOrder = ChannelOrder.Rgb,
            PixelScale = 1f / 255,
            MeanRgb = [0.485f, 0.456f, 0.406f],
            StdRgb = [0.229f, 0.224f, 0.225f],
        };
        var planes = Prepare(TestImages.Solid(new SKColor(255, 0, 51), 8, 8), options);

        Assert.Equal((1f - 0.485f) / 0.229f, planes[0], 3);
        Assert.Equal((0f - 0.456f) / 0.224f, planes[1024], 3);
        Assert.Equal((0.2f - 0.406f) / 0.225f, planes[2048], 3);
    }

    [Fact]
    public void Transparency_is_flattened_onto_white()
    {
        var planes = Prepare(TestImages.Transparent());
        Assert.Equal(255 - 103.06f, planes[0], 3);
        Assert.Equal(255 - 123.15f, planes[2048], 3);
    }

    [Fact]
    public void Grey_images_fill_all_three_channels()
    {
        var planes = Prepare(TestImages.Grey(128));
        Assert.Equal(128 - 103.06f, Pixel(planes, 32, 0, 5, 5), 2);
        Assert.Equal(128 - 115.90f, Pixel(planes, 32, 1, 5, 5), 2);
        Assert.Equal(128 - 123.15f, Pixel(planes, 32, 2, 5, 5), 2);
    }

    [Fact]
    public void Center_crop_fills_the_square_and_pad_keeps_the_whole_image_on_white()
    {
        var wide = TestImages.Quadrants(64, 32);
        const int red = 2; // the R plane in BGR order

        var cropped = Prepare(wide);
        Assert.Equal(255 - 123.15f, Pixel(cropped, 32, red, 2, 2), 1);   // red quadrant reaches the corner
        Assert.Equal(0 - 103.06f, Pixel(cropped, 32, 0, 2, 2), 1);       // no blue there

        var padded = Prepare(wide, new PreprocessingOptions { InputSize = 32, ResizeMode = ResizeMode.Pad });
        Assert.Equal(255 - 103.06f, Pixel(padded, 32, 0, 16, 1), 1);    // top band is white padding
        Assert.Equal(255 - 123.15f, Pixel(padded, 32, red, 2, 10), 1);  // red quadrant inside
    }

    [Fact]
    public void A_region_selects_part_of_the_photo()
    {
        var planes = Prepare(TestImages.Quadrants(64, 64), region: new NormalizedRect(0.5f, 0f, 0.5f, 0.5f));
        // Only the green (top-right) quadrant is left: G plane high, R and B low everywhere.
        Assert.All(planes[1024..2048], v => Assert.Equal(255 - 115.90f, v, 1));
        Assert.All(planes[2048..], v => Assert.Equal(0 - 123.15f, v, 1));
    }

    [Theory]
    [InlineData(-0.1f, 0f, 0.5f, 0.5f)]
    [InlineData(0.6f, 0f, 0.5f, 0.5f)]
    [InlineData(0f, 0f, 0f, 0.5f)]
    public void Regions_outside_the_image_are_refused(float x, float y, float w, float h)
    {
        var error = Assert.Throws<ArgumentException>(() => Prepare(TestImages.Solid(SKColors.Red), region: new NormalizedRect(x, y, w, h)));
        Assert.Contains("Crop rectangle", error.Message);
    }

    [Fact]
    public void A_region_under_one_pixel_is_an_image_problem_naming_its_size()
    {
        var error = Assert.Throws<ImageRejectedException>(() => Prepare(TestImages.Solid(SKColors.Red), region: new NormalizedRect(0.5f, 0.5f, 0.001f, 0.001f)));
        Assert.Equal(ImageProblem.RegionTooSmall, error.Problem);
        Assert.Contains("0x0 pixels of the 16x16 photo", error.Message);
    }

    [Fact]
    public void Invalid_options_are_reported_together()
    {
        var error = Assert.Throws<ArgumentException>(() => new ImagePreparer(new PreprocessingOptions { InputSize = 4, StdRgb = [1, 0, 1] }));
        Assert.Contains("InputSize", error.Message);
        Assert.Contains("StdRgb", error.Message);
    }

    [Theory]
    [InlineData(ResizeMode.CenterCrop, 0f, 0.125f, 1f, 0.75f)] // a portrait loses its top and bottom eighth
    [InlineData(ResizeMode.Pad, -0.1666667f, 0f, 1.3333333f, 1f)] // padded, the square shows more than the photo
    public void The_frame_says_which_part_of_the_photo_the_square_shows(ResizeMode mode, float x, float y, float width, float height)
    {
        var preparer = new ImagePreparer(new PreprocessingOptions { InputSize = 32, ResizeMode = mode });

        using var prepared = preparer.Prepare(TestImages.Solid(SKColors.Gray, 300, 400));

        Assert.Equal(x, prepared.Frame.X, 3);
        Assert.Equal(y, prepared.Frame.Y, 3);
        Assert.Equal(width, prepared.Frame.Width, 3);
        Assert.Equal(height, prepared.Frame.Height, 3);
    }

    [Fact]
    public void A_region_frame_maps_the_square_back_into_the_whole_photo()
    {
        // 128: the 400-px photo is decoded whole (a photo over twice the needed size is shrunk first, and a region of the
        // shrunk one is rounded to its coarser pixels).
        var preparer = new ImagePreparer(new PreprocessingOptions { InputSize = 128 });

        using var prepared = preparer.Prepare(TestImages.Solid(SKColors.Gray, 400, 400), new NormalizedRect(0.5f, 0.25f, 0.5f, 0.5f));
        var topLeftQuarter = prepared.Frame.ToPhoto(0, 0, 0.5f, 0.5f)!.Value;

        Assert.Equal(0.5f, topLeftQuarter.X, 3);
        Assert.Equal(0.25f, topLeftQuarter.Y, 3);
        Assert.Equal(0.25f, topLeftQuarter.Width, 3);
        Assert.Equal(0.25f, topLeftQuarter.Height, 3);
    }

    [Fact]
    public void A_photo_prepared_only_to_be_looked_at_keeps_its_frame_and_differs_only_when_it_is_shrunk()
    {
        var preparer = new ImagePreparer(new PreprocessingOptions { InputSize = 32 });
        var random = new Random(5);
        using var large = new SKBitmap(150, 100);
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 150; x++)
            {
                large.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        using var exact = preparer.Prepare(large);
        using var quick = preparer.PrepareForLook(large);
        Assert.Equal(exact.Frame, quick.Frame);
        Assert.NotEqual(exact.Planes.ToArray(), quick.Planes.ToArray()); // noise shrunk from one mipmap level, not two

        using var small = new SKBitmap(20, 20);
        small.Erase(SKColors.Teal);
        using var enlarged = preparer.Prepare(small);
        using var enlargedForLook = preparer.PrepareForLook(small);
        Assert.Equal(enlarged.Planes.ToArray(), enlargedForLook.Planes.ToArray());
    }
}

using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

/// <summary>A photo on a light surface read as a catalog of negatives on black stores its shots (Fashion-MNIST).</summary>
public sealed class PhotoPolarityTests
{
    private static SKBitmap Draw(SKColor background, Action<SKCanvas> draw, int width = 120, int height = 160)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(background);
        draw(canvas);
        return bitmap;
    }

    /// <summary>Through a JPEG, as a phone would send it.</summary>
    private static SKBitmap ThroughJpeg(SKBitmap bitmap)
    {
        using (bitmap)
        using (var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 85))
        {
            return SKBitmap.Decode(data.ToArray()).Copy(SKColorType.Rgba8888);
        }
    }

    /// <summary>A dark garment on a light fabric-like surface (weave lines over a beige ground).</summary>
    private static SKBitmap GarmentOnFabric()
    {
        var random = new Random(3);
        return ThroughJpeg(Draw(new SKColor(228, 218, 205), canvas =>
        {
            using var weave = new SKPaint { IsAntialias = true, StrokeWidth = 2 };
            for (var line = 0; line < 30; line++)
            {
                weave.Color = new SKColor((byte)random.Next(150, 256), (byte)random.Next(150, 256), (byte)random.Next(150, 256), 50);
                var y = random.Next(160);
                canvas.DrawLine(0, y, 120, y + random.Next(-20, 21), weave);
            }

            using var garment = new SKPaint { Color = new SKColor(40, 40, 60) };
            canvas.DrawRect(35, 40, 50, 80, garment);
        }));
    }

    [Fact]
    public void A_dark_garment_on_a_light_surface_becomes_a_light_garment_on_black()
    {
        using var photo = GarmentOnFabric();

        using var matched = PhotoPolarity.AsNegativeOnBlack(photo);

        Assert.NotNull(matched);
        Assert.Equal((photo.Width, photo.Height), (matched.Width, matched.Height));
        foreach (var (x, y) in new[] { (2, 2), (117, 2), (2, 157), (117, 157), (10, 80), (100, 20) })
        {
            Assert.Equal(SKColors.Black, matched.GetPixel(x, y)); // the surface, weave included
        }

        var centre = matched.GetPixel(60, 80);
        Assert.True(centre.Red > 180 && centre.Green > 180 && centre.Blue > 170, $"the garment's negative: {centre}");
        Assert.Equal(new SKColor(228, 218, 205).Red, photo.GetPixel(60, 2).Red, tolerance: 40); // the caller's photo is left as it was
    }

    [Fact]
    public void A_catalog_shot_on_black_and_a_close_crop_of_a_light_garment_are_searched_as_they_are()
    {
        using var shot = Draw(SKColors.Black, canvas =>
        {
            using var garment = new SKPaint { Color = new SKColor(210, 210, 210) };
            canvas.DrawRect(30, 30, 60, 100, garment);
        });
        // A light garment filling the frame but for a dark corner and edge: its border is not light all round.
        using var crop = Draw(SKColors.Black, canvas =>
        {
            using var garment = new SKPaint { Color = new SKColor(220, 220, 220) };
            canvas.DrawRect(0, 0, 100, 135, garment);
        });

        Assert.True(PhotoPolarity.IsOnDark(shot));
        Assert.Null(PhotoPolarity.AsNegativeOnBlack(shot));
        Assert.Null(PhotoPolarity.AsNegativeOnBlack(crop));
    }

    [Fact]
    public void A_product_photo_on_white_is_not_on_dark_and_a_bare_surface_has_nothing_to_turn()
    {
        using var onWhite = Draw(SKColors.White, canvas =>
        {
            using var garment = new SKPaint { Color = SKColors.Navy };
            canvas.DrawRect(30, 30, 60, 100, garment);
        });
        using var bare = Draw(new SKColor(230, 225, 215), _ => { });

        Assert.False(PhotoPolarity.IsOnDark(onWhite));
        Assert.Null(PhotoPolarity.AsNegativeOnBlack(bare));
    }
}

using Lookbook.Vision.Synthesis;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

public sealed class ShopperPhotoSynthesizerTests
{
    /// <summary>A catalog shot: a coloured block on a white studio background.</summary>
    private static byte[] CatalogShot(SKColor colour)
    {
        using var bitmap = new SKBitmap(224, 224);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = colour };
            canvas.DrawRect(62, 40, 100, 144, paint);
        }

        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static double ShareOf(byte[] jpeg, Func<SKColor, bool> isColour)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        var hits = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                hits += isColour(bitmap.GetPixel(x, y)) ? 1 : 0;
            }
        }

        return hits / (bitmap.Width * bitmap.Height / 4.0);
    }

    private static bool Red(SKColor c) => c.Red > 150 && c.Green < 90 && c.Blue < 90;

    private static bool Blue(SKColor c) => c.Blue > 150 && c.Red < 90 && c.Green < 110;

    [Fact]
    public void The_same_image_strength_and_seed_give_the_same_photo_and_another_seed_another()
    {
        var shot = CatalogShot(SKColors.Red);

        var first = ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, seed: 7);
        var again = ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, seed: 7);
        var other = ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, seed: 8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        using var decoded = SKBitmap.Decode(first);
        Assert.Equal((ShopperPhotoSynthesizer.Width, ShopperPhotoSynthesizer.Height), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void The_studio_background_is_replaced_and_the_product_shrinks_as_the_strength_grows()
    {
        var shot = CatalogShot(SKColors.Red);
        double Average(ShopperPhotoStrength strength) =>
            Enumerable.Range(0, 6).Average(seed => ShareOf(ShopperPhotoSynthesizer.Photo(shot, strength, seed), Red));

        var (mild, medium, strong) = (Average(ShopperPhotoStrength.Mild), Average(ShopperPhotoStrength.Medium), Average(ShopperPhotoStrength.Strong));

        Assert.True(mild > medium && medium > strong && strong > 0.005, $"red share mild {mild:P1}, medium {medium:P1}, strong {strong:P1}");
        var white = ShareOf(ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Mild, 1), c => c.Red > 245 && c.Green > 245 && c.Blue > 245);
        Assert.True(white < 0.02, $"{white:P1} of the photo is still studio white");

        // The other parameters (for evaluation) make other photos from the same seed, with the product a little smaller.
        var other = Enumerable.Range(0, 6).Average(seed => ShareOf(ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, seed, otherParameters: true), Red));
        Assert.NotEqual(ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, 1), ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, 1, otherParameters: true));
        Assert.True(other < medium, $"red share medium {medium:P1}, medium with other parameters {other:P1}");
    }

    [Fact]
    public void An_outfit_shows_every_product_and_unrelated_images_show_none()
    {
        var outfit = ShopperPhotoSynthesizer.Outfit([CatalogShot(SKColors.Red), CatalogShot(new SKColor(20, 40, 220))], ShopperPhotoStrength.Mild, 3);

        Assert.True(ShareOf(outfit, Red) > 0.02);
        Assert.True(ShareOf(outfit, Blue) > 0.02);
        Assert.Equal(ShopperPhotoSynthesizer.Unrelated(5), ShopperPhotoSynthesizer.Unrelated(5));
        Assert.All(Enumerable.Range(0, 6), seed => Assert.NotNull(SKBitmap.Decode(ShopperPhotoSynthesizer.Unrelated(seed))));
    }

    [Fact]
    public void A_photo_with_its_mask_is_the_same_photo_and_the_mask_finds_the_product()
    {
        var shot = CatalogShot(SKColors.Red);

        var masked = ShopperPhotoSynthesizer.PhotoWithMask(shot, ShopperPhotoStrength.Medium, seed: 11);

        Assert.Equal(ShopperPhotoSynthesizer.Photo(shot, ShopperPhotoStrength.Medium, seed: 11), masked.Jpeg);
        var box = Assert.Single(masked.Products).Box;
        Assert.InRange(box.Width * box.Height, 0.02, 0.9);
        // Red pixels lie inside the box (the light may tint them; an occluder may hide some), hardly any outside it.
        using var bitmap = SKBitmap.Decode(masked.Jpeg);
        int inside = 0, outside = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                if (Red(bitmap.GetPixel(x, y)))
                {
                    var (fx, fy) = ((float)x / bitmap.Width, (float)y / bitmap.Height);
                    var within = fx >= box.X - 0.02f && fx <= box.X + box.Width + 0.02f && fy >= box.Y - 0.02f && fy <= box.Y + box.Height + 0.02f;
                    (inside, outside) = within ? (inside + 1, outside) : (inside, outside + 1);
                }
            }
        }

        Assert.True(inside > 100 && outside <= inside / 50, $"red pixels inside the box {inside}, outside {outside}");
        Assert.True(masked.Products[0].Coverage(box) > 0.4f, "the mask covers too little of its own box");
        Assert.Equal(0f, masked.Products[0].Coverage(new Vision.Images.NormalizedRect(0, 0, 0.001f, 0.001f)) * (box.X > 0.01f && box.Y > 0.01f ? 1 : 0));
    }

    [Fact]
    public void An_outfit_reports_each_product_where_it_was_put()
    {
        var outfit = ShopperPhotoSynthesizer.OutfitWithMask([CatalogShot(SKColors.Red), CatalogShot(SKColors.Blue)], ShopperPhotoStrength.Mild, seed: 3);

        Assert.Equal(2, outfit.Products.Count);
        Assert.True(outfit.Products[0].Box.X + (outfit.Products[0].Box.Width / 2) < 0.5f, "the first product is on the left");
        Assert.True(outfit.Products[1].Box.X + (outfit.Products[1].Box.Width / 2) > 0.5f, "the second product is on the right");
    }
}

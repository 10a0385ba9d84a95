using System.Numerics.Tensors;
using Lookbook.Learning.Localization;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;
using SkiaSharp;

namespace Lookbook.Learning.Tests;

/// <summary>
/// Localization with the real ResNet18 at 224 px: objectness learned from synthesised shopper photos of generated
/// products, then tried on photos made by hand — a product on a large textured scene, where the truth is known.
/// </summary>
[Collection(ModelCollection.Name)]
public sealed class LocalizationTests : IDisposable
{
    private readonly OnnxImageEmbedder _embedder = new(new EmbeddingOptions { Preprocessing = new PreprocessingOptions { InputSize = 224 } });

    public void Dispose() => _embedder.Dispose();

    [Fact]
    public void A_product_pasted_into_a_larger_textured_image_is_found_and_cropped_around()
    {
        var model = Train(products: 90);
        var locator = new PhotoLocator(model, head: null);

        var found = 0;
        var trials = 12;
        for (var i = 0; i < trials; i++)
        {
            var (photo, truth) = ProductOnTexturedScene(seed: 1000 + i);
            var (first, frame) = EmbedWhole(photo);
            var plan = locator.Plan(first, frame);
            if (plan.Regions is [var best, ..] && LocalizationTrainer.IntersectionOverUnion(best.Box, truth) >= 0.5f)
            {
                found++;
                // The product is small in the frame: it is cropped, and the crop holds all of it.
                Assert.NotNull(plan.Crop);
                var crop = plan.Crop.Value;
                Assert.True(crop.X <= truth.X + 0.02f && crop.Y <= truth.Y + 0.02f
                    && crop.X + crop.Width >= truth.X + truth.Width - 0.02f && crop.Y + crop.Height >= truth.Y + truth.Height - 0.02f,
                    $"crop {crop} does not hold the product at {truth}");
            }
        }

        Assert.True(found >= 10, $"the product was found (IoU ≥ 0.5) on {found} of {trials} photos");
    }

    [Fact]
    public void An_item_the_photo_does_not_have_is_refused_with_what_it_has()
    {
        var model = Train(products: 40);
        var (photo, _) = ProductOnTexturedScene(seed: 7);
        var (first, frame) = EmbedWhole(photo);
        var plan = new PhotoLocator(model, head: null).Plan(first, frame);

        var error = Assert.Throws<ItemNotFoundException>(() => new PhotoLocator(model, null).Plan(first, frame, item: plan.Regions.Count));
        Assert.Contains($"item={plan.Regions.Count}", error.Message);
    }

    [Fact]
    public void A_square_crop_holds_the_box_with_its_margin_and_stays_inside_the_photo()
    {
        // A portrait photo (3:4): a box near the right edge.
        var crop = PhotoLocator.SquareAround(new NormalizedRect(0.8f, 0.4f, 0.15f, 0.1f), aspect: 0.75f, margin: 0.1f);

        Assert.Equal(crop.Width * 0.75f, crop.Height, 4); // square in pixels
        Assert.True(crop.X + crop.Width <= 1.0001f && crop.X >= 0 && crop.Y >= 0 && crop.Y + crop.Height <= 1.0001f, $"{crop}");
        Assert.True(crop.X <= 0.8f && crop.X + crop.Width >= 0.95f && crop.Y <= 0.4f && crop.Y + crop.Height >= 0.5f, $"{crop}");
    }

    [Fact]
    public void A_crop_that_is_what_the_model_saw_costs_no_second_model_run()
    {
        // A square photo whose garment's square, with its margin, reaches the edges: the crop is the whole photo.
        Assert.True(PhotoLocator.Shows(PhotoLocator.SquareAround(new NormalizedRect(0.1f, 0.05f, 0.8f, 0.9f), aspect: 1, margin: 0.1f), ImageFrame.Whole));
        // A 3:4 portrait, centre-cropped to its middle square: a large centred garment's crop is that square; one near the
        // top, or a smaller one, is cropped for real.
        var middle = new ImageFrame(0, 0.125f, 1, 0.75f);
        Assert.True(PhotoLocator.Shows(PhotoLocator.SquareAround(new NormalizedRect(0.05f, 0.15f, 0.9f, 0.7f), aspect: 0.75f, margin: 0.1f), middle));
        Assert.False(PhotoLocator.Shows(PhotoLocator.SquareAround(new NormalizedRect(0.05f, 0f, 0.9f, 0.7f), aspect: 0.75f, margin: 0.1f), middle));
        Assert.False(PhotoLocator.Shows(PhotoLocator.SquareAround(new NormalizedRect(0.1f, 0.2f, 0.8f, 0.6f), aspect: 0.75f, margin: 0.1f), middle));

        // With the real model: a catalog shot of a long garment, its square as high as the photo, is searched by its first look.
        var model = Train(products: 40);
        var (first, frame) = EmbedWhole(CatalogShot(seed: 500, new SKRect(52, 6, 172, 218)));
        var plan = new PhotoLocator(model, head: null).Plan(first, frame);
        Assert.NotEmpty(plan.Regions);
        Assert.True(plan.Regions[0].Share < PhotoLocator.CropBelowShare, $"the garment fills {plan.Regions[0].Share:P0} of the frame: nothing to test");
        Assert.Null(plan.Crop);
        Assert.Same(first.Vector, new PhotoLocator(model, head: null).Finish(plan, first, searchedVector: null).Vector);

        // The searched item is named from the vector searched, not from its own cells: a head that answers "Whole" only
        // for vectors nearer the first look's than its cells' pooled vector is.
        var cells = plan.Regions[0].Cells;
        var own = first.Map.Pool(cells.Top, cells.Left, cells.Bottom, cells.Right);
        TensorPrimitives.Divide(own, TensorPrimitives.Norm(own), own);
        var between = (1 + TensorPrimitives.Dot(first.Vector, own)) / 2;
        var size = first.Vector.Length;
        var head = new MlpHead(["Whole", "Other"], size, 1, new float[size], [.. Enumerable.Repeat(1f, size)], [.. first.Vector], [0f], [1f, 0f], [0f, between]);
        var named = new PhotoLocator(model, new ShotAwareCategories(head, null, null)).Finish(plan, first, searchedVector: null);
        Assert.Equal("Whole", named.Items[0].Category);
    }

    [Fact]
    public void After_an_int8_look_what_is_searched_is_the_float32_vector_of_the_crop_or_of_the_whole_photo()
    {
        var model = Train(products: 40);
        var locator = new PhotoLocator(model, head: null);
        using var temp = new TempDirectory();
        var calibration = temp.File("catalog.db.int8.json");
        var size = new PreprocessingOptions { InputSize = 224 };
        Int8Calibrator.Calibrate(new EmbeddingOptions { Preprocessing = size }, Enumerable.Range(0, 16).Select(i => CatalogShot(seed: 900 + i))).Save(calibration);
        using var looking = new OnnxImageEmbedder(new EmbeddingOptions { Preprocessing = size, CalibrationPath = calibration });
        Assert.True(looking.LooksApart);

        // A catalog shot enlarged to 448 px (larger than the model's input: looked at in int8; its garment fills the frame:
        // searched whole) and a small garment on a scene (cropped).
        byte[] shot;
        using (var small = SKBitmap.Decode(CatalogShot(seed: 501, new SKRect(20, 10, 204, 214))))
        using (var large = small.Resize(new SKImageInfo(448, 448), new SKSamplingOptions(SKFilterMode.Linear)))
        using (var encoded = large.Encode(SKEncodedImageFormat.Png, 100))
        {
            shot = encoded.ToArray();
        }

        var (scene, truth) = ProductOnTexturedScene(seed: 1003);
        var located = looking.LocateAll([shot, scene], locator, describeColour: true);

        using (var shotBitmap = ImageDecoder.Decode(shot, _embedder.Preparer.Limits, minShortSide: 2 * 224))
        using (var quickShot = _embedder.Preparer.PrepareForLook(shotBitmap))
        using (var whole = _embedder.Preparer.Prepare(shotBitmap))
        {
            Assert.True(looking.LooksApartAt(shotBitmap));
            Assert.Null(locator.Plan(looking.Look([quickShot])[0], quickShot.Frame).Crop);
            Assert.Equal(_embedder.Embed([whole])[0], located[0]!.Vector);
            Assert.Equal(_embedder.Preparer.DescribeColour(whole), located[0]!.Colour);
        }

        // The look reads the photo prepared quickly; the crop is prepared as ever.
        using var bitmap = ImageDecoder.Decode(scene, _embedder.Preparer.Limits, minShortSide: 2 * 224);
        using var quick = _embedder.Preparer.PrepareForLook(bitmap);
        var plan = locator.Plan(looking.Look([quick])[0], quick.Frame);
        Assert.NotNull(plan.Crop);
        Assert.True(LocalizationTrainer.IntersectionOverUnion(plan.Regions[0].Box, truth) >= 0.5f, $"the int8 look found {plan.Regions[0].Box}, the garment is at {truth}");
        using var crop = _embedder.Preparer.Prepare(bitmap, plan.Crop);
        Assert.Equal(_embedder.Embed([crop])[0], located[1]!.Vector);
        Assert.Equal(0, located[1]!.SearchedItem);
    }

    private ObjectnessModel Train(int products)
    {
        var examples = new List<(FeatureMap, float[])>();
        for (var i = 0; i < products; i++)
        {
            var photo = ShopperPhotoSynthesizer.PhotoWithMask(CatalogShot(seed: i), (ShopperPhotoStrength)(i % 3), seed: i);
            using var prepared = _embedder.Preparer.Prepare(photo.Jpeg);
            var map = _embedder.EmbedWithMaps([prepared])[0].Map;
            examples.Add((map, ObjectnessTrainer.CellLabels(map, prepared.Frame, photo.Products)));
        }

        var model = ObjectnessTrainer.Train(examples, seed: 1);
        Assert.True(ObjectnessTrainer.BalancedAccuracy(model, examples) > 0.85, "objectness does not even fit its training photos");
        return model;
    }

    private (EmbeddedImage First, ImageFrame Frame) EmbedWhole(byte[] photo)
    {
        using var prepared = _embedder.Preparer.Prepare(photo);
        return (_embedder.EmbedWithMaps([prepared])[0], prepared.Frame);
    }

    /// <summary>A catalog shot of a generated garment: a coloured torso with sleeves, or a dress, on white.</summary>
    private static byte[] CatalogShot(int seed, SKRect? garment = null)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(224, 224);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            DrawGarment(canvas, random, garment ?? new SKRect(40, 30, 184, 194));
        }

        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// A 800×600 photo of stripes, blotches and noise with one garment drawn into the part the model sees (a centre
    /// crop shows the middle 600×600), and its box in fractions of the photo.
    /// </summary>
    private static (byte[] Photo, NormalizedRect Truth) ProductOnTexturedScene(int seed)
    {
        const int Width = 800, Height = 600;
        var random = new Random(seed);
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)random.Next(80, 220), (byte)random.Next(80, 220), (byte)random.Next(80, 220)));
            using var paint = new SKPaint { IsAntialias = true };
            for (var stripe = 0; stripe < 30; stripe++)
            {
                paint.Color = new SKColor((byte)random.Next(60, 240), (byte)random.Next(60, 240), (byte)random.Next(60, 240), 110);
                canvas.DrawRect(random.Next(Width), 0, random.Next(8, 30), Height, paint);
            }

            for (var blotch = 0; blotch < 40; blotch++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 90);
                canvas.DrawCircle(random.Next(Width), random.Next(Height), random.Next(5, 25), paint);
            }

            var side = random.Next(150, 220);
            var left = random.Next(110, 690 - side);
            var top = random.Next(10, 590 - side);
            var box = new SKRect(left, top, left + side, top + side);
            DrawGarment(canvas, random, box);
            using var encoded = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
            return (encoded.ToArray(), new NormalizedRect(box.Left / Width, box.Top / Height, box.Width / Width, box.Height / Height));
        }
    }

    private static void DrawGarment(SKCanvas canvas, Random random, SKRect box)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = new SKColor((byte)random.Next(0, 200), (byte)random.Next(0, 200), (byte)random.Next(0, 200)) };
        using var path = new SKPath();
        float x(float f) => box.Left + (f * box.Width);
        float y(float f) => box.Top + (f * box.Height);
        if (random.Next(2) == 0)
        {
            // A T-shirt: shoulders, sleeves, body.
            path.MoveTo(x(0.3f), y(0)); path.LineTo(x(0.7f), y(0)); path.LineTo(x(1), y(0.25f)); path.LineTo(x(0.85f), y(0.4f));
            path.LineTo(x(0.78f), y(0.32f)); path.LineTo(x(0.78f), y(1)); path.LineTo(x(0.22f), y(1)); path.LineTo(x(0.22f), y(0.32f));
            path.LineTo(x(0.15f), y(0.4f)); path.LineTo(x(0), y(0.25f));
        }
        else
        {
            // A dress: narrow top, flared skirt.
            path.MoveTo(x(0.35f), y(0)); path.LineTo(x(0.65f), y(0)); path.LineTo(x(0.62f), y(0.4f)); path.LineTo(x(1), y(1));
            path.LineTo(x(0), y(1)); path.LineTo(x(0.38f), y(0.4f));
        }

        path.Close();
        canvas.DrawPath(path, paint);
        // A pattern on the fabric: stripes in a second colour.
        using var pattern = new SKPaint { IsAntialias = true, Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 160), StrokeWidth = box.Width / 30 };
        canvas.Save();
        canvas.ClipPath(path);
        for (var line = 0.1f; line < 1; line += 0.2f)
        {
            canvas.DrawLine(box.Left, y(line), box.Right, y(line), pattern);
        }

        canvas.Restore();
    }
}

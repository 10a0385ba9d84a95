using System.Numerics.Tensors;
using Lookbook.Catalog.Sources;
using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Xunit.Abstractions;

namespace Lookbook.Vision.Tests;

/// <summary>The int8 backbone, calibrated on real catalog images of the shipped sample.</summary>
[Collection(ModelCollection.Name)]
public sealed class Int8EmbeddingTests(EmbedderFixture model, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static List<byte[]> Images(string split, int count) =>
        new FashionMnistSource(RepositoryPaths.SampleCatalog, split, count).ReadEntries().Select(e => e.Item!.ImageBytes!).ToList();

    private static float[][] Embed(IImageEmbedder embedder, IReadOnlyList<byte[]> images)
    {
        var prepared = images.Select(i => embedder.Preparer.Prepare(i)).ToList();
        var vectors = prepared.Chunk(32).SelectMany(embedder.Embed).ToArray();
        prepared.ForEach(p => p.Dispose());
        return vectors;
    }

    [Fact]
    public void Int8_vectors_stay_close_to_float32_ones()
    {
        var calibration = Int8Calibrator.Calibrate(new EmbeddingOptions(), Images("train", 256));
        var path = _folder.File("catalog.db.int8.json");
        calibration.Save(path);
        using var int8 = new OnnxImageEmbedder(new EmbeddingOptions { Precision = ModelPrecision.Int8, CalibrationPath = path });

        var queries = Images("test", 200);
        var exact = Embed(model.Embedder, queries);
        var quantised = Embed(int8, queries);
        var cosines = exact.Zip(quantised, (a, b) => TensorPrimitives.Dot(a, b)).ToList();

        output.WriteLine($"cosine mean {cosines.Average():F4} min {cosines.Min():F4}");
        Assert.True(cosines.Average() > 0.98, $"mean cosine {cosines.Average():F4}");
        Assert.NotEqual(model.Embedder.Profile.Fingerprint, int8.Profile.Fingerprint);
        Assert.Contains("int8:", int8.Profile.Description);
    }

    [Fact]
    public void Int8_without_a_calibration_says_how_to_make_one()
    {
        var error = Assert.Throws<ModelLoadException>(() =>
            new OnnxImageEmbedder(new EmbeddingOptions { Precision = ModelPrecision.Int8, CalibrationPath = _folder.File("missing.json") }));
        Assert.Contains("lookbook quantize", error.Message);
    }

    [Fact]
    public void A_calibration_made_for_another_layer_or_size_is_refused()
    {
        var path = _folder.File("calibration.json");
        Int8Calibrator.Calibrate(new EmbeddingOptions(), Images("train", 16)).Save(path);

        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEmbedder(new EmbeddingOptions
        {
            Precision = ModelPrecision.Int8,
            CalibrationPath = path,
            Preprocessing = new PreprocessingOptions { InputSize = 96 },
        }));
        Assert.Contains("at 64 px, not", error.Message);
        Assert.Contains("lookbook quantize", error.Message);
    }

    [Fact]
    public void A_float32_model_with_a_calibration_looks_in_int8_and_still_embeds_in_float32()
    {
        var path = _folder.File("catalog.db.int8.json");
        Int8Calibrator.Calibrate(new EmbeddingOptions(), Images("train", 64)).Save(path);
        using var looking = new OnnxImageEmbedder(new EmbeddingOptions { CalibrationPath = path });
        using var floatOnly = new OnnxImageEmbedder(new EmbeddingOptions { CalibrationPath = path, LookPrecision = ModelPrecision.Float32 });
        Assert.True(looking.LooksApart);
        Assert.False(floatOnly.LooksApart);
        Assert.False(model.Embedder.LooksApart); // no calibration: one model

        // The vectors searched and stored are the float32 model's, bit for bit, whatever looks first.
        Assert.Equal(model.Embedder.Profile.Fingerprint, looking.Profile.Fingerprint);
        var images = Images("test", 20);
        var prepared = images.Select(i => looking.Preparer.Prepare(i)).ToList();
        try
        {
            var exact = model.Embedder.Embed(prepared);
            Assert.Equal(exact, looking.Embed(prepared));
            Assert.Equal(exact, looking.EmbedWithMaps(prepared).Select(e => e.Vector));

            // The look reads the same map, in int8: close to the float32 one, not the same.
            var looks = looking.Look(prepared);
            var maps = looking.EmbedWithMaps(prepared);
            for (var i = 0; i < prepared.Count; i++)
            {
                Assert.Equal((maps[i].Map.Channels, maps[i].Map.Height, maps[i].Map.Width), (looks[i].Map.Channels, looks[i].Map.Height, looks[i].Map.Width));
                var cosine = TensorPrimitives.Dot(exact[i], looks[i].Vector);
                Assert.True(cosine is > 0.95f and < 0.999999f, $"image {i}: the look's vector has cosine {cosine} with the float32 one");
            }
        }
        finally
        {
            prepared.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void A_model_file_changed_before_the_first_look_leaves_the_look_in_float32_unless_int8_is_asked_for()
    {
        // The int8 look's session reads the model file again when first needed, so the file is checked to be the one loaded.
        var modelPath = _folder.File("resnet18.onnx");
        File.Copy(new EmbeddingOptions().ResolveModelPath(), modelPath);
        var path = _folder.File("catalog.db.int8.json");
        Int8Calibrator.Calibrate(new EmbeddingOptions(), Images("train", 16)).Save(path);
        using var automatic = new OnnxImageEmbedder(new EmbeddingOptions { ModelPath = modelPath, CalibrationPath = path });
        using var insisting = new OnnxImageEmbedder(new EmbeddingOptions { ModelPath = modelPath, CalibrationPath = path, LookPrecision = ModelPrecision.Int8 });
        Assert.True(automatic.LooksApart);
        File.AppendAllText(modelPath, "changed");

        var prepared = Images("test", 2).Select(i => automatic.Preparer.Prepare(i)).ToList();
        try
        {
            var looks = automatic.Look(prepared);
            Assert.False(automatic.LooksApart);
            Assert.Equal(automatic.Embed(prepared), looks.Select(l => l.Vector)); // looked at by the float32 model
            var error = Assert.Throws<ModelLoadException>(() => insisting.Look(prepared));
            Assert.Contains("changed after it was loaded", error.Message);
        }
        finally
        {
            prepared.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void A_calibration_for_another_size_leaves_the_look_in_float32_unless_int8_is_asked_for()
    {
        var path = _folder.File("calibration.json");
        Int8Calibrator.Calibrate(new EmbeddingOptions(), Images("train", 16)).Save(path);
        var at96 = new PreprocessingOptions { InputSize = 96 };

        using var automatic = new OnnxImageEmbedder(new EmbeddingOptions { CalibrationPath = path, Preprocessing = at96 });
        Assert.False(automatic.LooksApart);

        var error = Assert.Throws<ModelLoadException>(() =>
            new OnnxImageEmbedder(new EmbeddingOptions { CalibrationPath = path, Preprocessing = at96, LookPrecision = ModelPrecision.Int8 }));
        Assert.Contains("at 64 px, not", error.Message);
        Assert.Contains("Float32", Assert.Single(new EmbeddingOptions { Precision = ModelPrecision.Int8, LookPrecision = ModelPrecision.Float32 }.Validate()));
    }
}

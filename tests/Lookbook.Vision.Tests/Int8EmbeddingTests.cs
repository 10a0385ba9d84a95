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
}

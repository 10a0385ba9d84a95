using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Lookbook.Vision.Tests;

/// <summary>One real ResNet18 session shared by the tests of this class.</summary>
public sealed class DefaultEmbedderFixture : IDisposable
{
    public OnnxImageEmbedder Embedder { get; } = new(new EmbeddingOptions());

    public void Dispose() => Embedder.Dispose();
}

public sealed class OnnxImageEmbedderTests(DefaultEmbedderFixture fixture) : IClassFixture<DefaultEmbedderFixture>
{
    private readonly OnnxImageEmbedder _embedder = fixture.Embedder;

    private float[][] Embed(params byte[][] images)
    {
        var prepared = images.Select(i => _embedder.Preparer.Prepare(i)).ToList();
        try
        {
            return _embedder.Embed(prepared);
        }
        finally
        {
            prepared.ForEach(p => p.Dispose());
        }
    }

    private static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Fact]
    public void The_dimension_is_read_from_the_model()
    {
        // ResNet18's third stage has 256 channels; nothing in the code says 256.
        Assert.Equal(256, _embedder.Profile.Dimension);
        Assert.Contains("layers=ReLU347_Output_0", _embedder.Profile.Description);
        Assert.Contains("input=64", _embedder.Profile.Description);
        Assert.Matches("^[0-9a-f]{16}$", _embedder.Profile.Fingerprint);
    }

    [Fact]
    public void Vectors_are_unit_length_and_a_batch_equals_one_by_one()
    {
        var images = new[]
        {
            TestImages.Shape(SKColors.White, SKColors.Navy, 120, 160, 1, SKEncodedImageFormat.Jpeg),
            TestImages.Shape(SKColors.White, SKColors.DarkRed, 200, 100, 2, SKEncodedImageFormat.Png),
            TestImages.Noise(90, 90, 3),
        };

        var batch = Embed(images);
        var single = images.Select(i => Embed(i)[0]).ToArray();

        for (var i = 0; i < images.Length; i++)
        {
            Assert.Equal(1f, MathF.Sqrt(batch[i].Sum(v => v * v)), 4);
            Assert.Equal(1f, Cosine(batch[i], single[i]), 4);
        }

        Assert.True(Cosine(batch[0], batch[2]) < 0.95f, "different images must give different vectors");
    }

    [Fact]
    public void Similar_garments_are_closer_than_different_ones()
    {
        var navyDress = TestImages.Shape(SKColors.White, SKColors.Navy, 128, 128, 10, SKEncodedImageFormat.Png);
        var navyDress2 = TestImages.Shape(SKColors.White, SKColors.Navy, 128, 128, 11, SKEncodedImageFormat.Png);
        var noise = TestImages.Noise(128, 128, 12, SKEncodedImageFormat.Png);

        var v = Embed(navyDress, navyDress2, noise);

        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]));
    }

    [Fact]
    public void The_adapted_graph_matches_the_original_model_at_its_native_size()
    {
        // The shipped graph: fixed batch 1, 224 px, final 7x7 AveragePool. Run it untouched...
        var options = new EmbeddingOptions { Layers = ["Pooling395_Output_0"], Preprocessing = new PreprocessingOptions { InputSize = 224 } };
        using var original = new InferenceSession(options.ResolveModelPath());
        using var embedder = new OnnxImageEmbedder(options);
        using var prepared = embedder.Preparer.Prepare(TestImages.Shape(SKColors.Beige, SKColors.Black, 300, 400, 4, SKEncodedImageFormat.Jpeg));
        var input = prepared.Planes.ToArray();

        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var outputs = original.Run(new RunOptions(), ["Input247"], [value], ["Pooling395_Output_0"]);
        var expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var norm = MathF.Sqrt(expected.Sum(v => v * v));

        // ...and through the adapter (dynamic shapes, GlobalAveragePool): the same vector.
        var actual = embedder.Embed([prepared])[0];

        Assert.Equal(512, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] / norm, actual[i], 5);
        }
    }

    [Fact]
    public void Folding_batch_normalisation_into_the_convolutions_keeps_the_activations()
    {
        var options = new EmbeddingOptions();
        var bytes = File.ReadAllBytes(options.ResolveModelPath());
        var plain = OnnxGraphAdapter.AdaptModel(bytes, options.Layers);
        var folded = OnnxGraphAdapter.AdaptModel(bytes, options.Layers);
        BatchNormFolder.Fold(folded.Graph);
        Assert.Contains(plain.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");

        using var prepared = new ImagePreparer(options.Preprocessing).Prepare(TestImages.Shape(SKColors.Beige, SKColors.Navy, 80, 120, 3, SKEncodedImageFormat.Png));
        float[] Run(Onnx.ModelProto model)
        {
            using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
            using var value = OrtValue.CreateTensorValueFromMemory(prepared.Planes.ToArray(), [1, 3, 64, 64]);
            using var outputs = session.Run(new RunOptions(), ["Input247"], [value], ["ReLU347_Output_0"]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        var expected = Run(plain);
        var actual = Run(folded);
        var scale = expected.Max(Math.Abs);
        Assert.All(expected.Zip(actual), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-4 * scale, $"{pair.First} vs {pair.Second}"));
    }

    [Fact]
    public void Several_layers_are_concatenated()
    {
        using var embedder = new OnnxImageEmbedder(new EmbeddingOptions { Layers = ["ReLU315_Output_0", "ReLU347_Output_0"] });
        Assert.Equal(128 + 256, embedder.Profile.Dimension);
    }

    [Fact]
    public void A_missing_model_file_is_a_clear_error()
    {
        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEmbedder(new EmbeddingOptions { ModelPath = "/nowhere/model.onnx" }));
        Assert.Contains("Model file not found: /nowhere/model.onnx", error.Message);
        Assert.Contains("Lookbook__Embedding__ModelPath", error.Message);
    }

    [Fact]
    public void A_corrupt_model_file_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("broken.onnx", "this is not a protobuf at all, just text that fills a file"u8.ToArray());
        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEmbedder(new EmbeddingOptions { ModelPath = path }));
        Assert.Contains("not a valid ONNX model", error.Message);
    }

    [Fact]
    public void An_unknown_layer_names_the_candidates()
    {
        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEmbedder(new EmbeddingOptions { Layers = ["stage9"] }));
        Assert.Contains("no tensor named 'stage9'", error.Message);
        Assert.Contains("ReLU393_Output_0", error.Message);
    }

    [Fact]
    public void An_image_prepared_at_another_size_is_refused()
    {
        using var other = new ImagePreparer(new PreprocessingOptions { InputSize = 96 }).Prepare(TestImages.Solid(SKColors.Red));
        var error = Assert.Throws<ArgumentException>(() => _embedder.Embed([other]));
        Assert.Contains("96 px", error.Message);
    }
}

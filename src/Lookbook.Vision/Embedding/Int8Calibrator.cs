using Google.Protobuf;
using Lookbook.Vision.Images;
using Microsoft.ML.OnnxRuntime;

namespace Lookbook.Vision.Embedding;

/// <summary>Measures the activation ranges of the float model over sample images (static quantisation's calibration).</summary>
public static class Int8Calibrator
{
    public static CalibrationTable Calibrate(EmbeddingOptions options, IEnumerable<byte[]> images, int batchSize = 16)
    {
        var path = options.ResolveModelPath();
        var bytes = File.ReadAllBytes(path);
        var model = OnnxGraphAdapter.AdaptModel(bytes, options.Layers);
        BatchNormFolder.Fold(model.Graph);
        var tensors = Int8Quantizer.CalibrationTensors(model.Graph);
        Int8Quantizer.Expose(model.Graph, tensors);

        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(model.ToByteArray(), sessionOptions);
        var inputName = session.InputMetadata.Keys.Single();
        var preparer = new ImagePreparer(options.Preprocessing);
        var size = options.Preprocessing.InputSize;
        var ranges = tensors.ToDictionary(t => t, _ => (Min: float.MaxValue, Max: float.MinValue), StringComparer.Ordinal);
        var count = 0;
        using var runOptions = new RunOptions();
        foreach (var batch in images.Chunk(batchSize))
        {
            var input = new float[batch.Length * 3 * size * size];
            for (var i = 0; i < batch.Length; i++)
            {
                using var prepared = preparer.Prepare(batch[i]);
                prepared.Planes.CopyTo(input.AsSpan(i * 3 * size * size));
            }

            using var value = OrtValue.CreateTensorValueFromMemory(input, [batch.Length, 3, size, size]);
            using var outputs = session.Run(runOptions, [inputName], [value], tensors);
            for (var t = 0; t < tensors.Count; t++)
            {
                var data = outputs[t].GetTensorDataAsSpan<float>();
                var (min, max) = ranges[tensors[t]];
                ranges[tensors[t]] = (Math.Min(min, System.Numerics.Tensors.TensorPrimitives.Min(data)), Math.Max(max, System.Numerics.Tensors.TensorPrimitives.Max(data)));
            }

            count += batch.Length;
        }

        if (count == 0)
        {
            throw new ArgumentException("Calibration needs at least one image.", nameof(images));
        }

        return new CalibrationTable(OnnxImageEmbedder.ModelName(path, bytes), OnnxImageEmbedder.LayerName(options), size, count,
            ranges.ToDictionary(r => r.Key, r => new TensorRange(r.Value.Min, r.Value.Max), StringComparer.Ordinal));
    }
}

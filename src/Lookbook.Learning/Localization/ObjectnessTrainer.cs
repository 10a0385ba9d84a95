using System.Numerics.Tensors;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Lookbook.Vision.Synthesis;

namespace Lookbook.Learning.Localization;

/// <summary>
/// Learns an <see cref="ObjectnessModel"/> from feature maps of synthesised shopper photos whose product masks are
/// known: cells mostly on a product are garment, cells nearly free of one are background, cells in between are left
/// out. Logistic regression with classes weighted equally (backgrounds outnumber garments), Adam, deterministic.
/// </summary>
public static class ObjectnessTrainer
{
    private const float GarmentCoverage = 0.5f;
    private const float BackgroundCoverage = 0.1f;
    private const int Epochs = 8;
    private const int Batch = 1024;
    private const float LearningRate = 0.01f;
    private const float WeightDecay = 1e-4f;

    /// <summary>
    /// For each cell of <paramref name="map"/> (row-major): 1 when the products cover at least half of it on the photo,
    /// 0 when they cover under a tenth, NaN in between (ambiguous edges are not learned from).
    /// </summary>
    public static float[] CellLabels(FeatureMap map, ImageFrame frame, IReadOnlyList<ProductMask> products)
    {
        var labels = new float[map.Cells];
        for (var row = 0; row < map.Height; row++)
        {
            for (var column = 0; column < map.Width; column++)
            {
                var region = frame.ToPhoto((float)column / map.Width, (float)row / map.Height, 1f / map.Width, 1f / map.Height);
                var coverage = region is { } r ? Math.Min(1f, products.Sum(p => p.Coverage(r))) : 0f;
                labels[(row * map.Width) + column] = coverage >= GarmentCoverage ? 1f : coverage <= BackgroundCoverage ? 0f : float.NaN;
            }
        }

        return labels;
    }

    /// <summary>Trains on the labelled cells of <paramref name="examples"/> (maps of one backbone, labels from <see cref="CellLabels"/>).</summary>
    public static ObjectnessModel Train(IReadOnlyList<(FeatureMap Map, float[] Labels)> examples, int seed)
    {
        if (examples.Count == 0)
        {
            throw new ArgumentException("Objectness needs at least one labelled feature map.", nameof(examples));
        }

        var channels = examples[0].Map.Channels;
        var width = channels + 1;
        var rows = new List<float[]>();
        var targets = new List<float>();
        foreach (var (map, labels) in examples)
        {
            var features = ObjectnessModel.Features(map);
            for (var cell = 0; cell < map.Cells; cell++)
            {
                if (!float.IsNaN(labels[cell]))
                {
                    rows.Add(features.AsSpan(cell * width, width).ToArray());
                    targets.Add(labels[cell]);
                }
            }
        }

        var positives = targets.Count(t => t > 0.5f);
        var negatives = targets.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("Objectness needs both garment and background cells to learn from.", nameof(examples));
        }

        // Each class weighs half of the loss, however many cells it has.
        var positiveWeight = targets.Count / (2f * positives);
        var negativeWeight = targets.Count / (2f * negatives);
        var parameters = new float[width + 1]; // weights, then the bias
        var adam = new Adam(parameters.Length);
        var gradient = new float[parameters.Length];
        var order = Enumerable.Range(0, rows.Count).ToArray();
        var random = new Random(seed);
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += Batch)
            {
                Array.Clear(gradient);
                var end = Math.Min(order.Length, start + Batch);
                for (var i = start; i < end; i++)
                {
                    var x = rows[order[i]];
                    var y = targets[order[i]];
                    var p = ObjectnessModel.Sigmoid(TensorPrimitives.Dot(parameters.AsSpan(0, width), x) + parameters[width]);
                    var error = (p - y) * (y > 0.5f ? positiveWeight : negativeWeight);
                    TensorPrimitives.MultiplyAdd(x, error, gradient.AsSpan(0, width), gradient.AsSpan(0, width));
                    gradient[width] += error;
                }

                TensorPrimitives.Divide(gradient, end - start, gradient);
                adam.Step(parameters, gradient, LearningRate, i => i < width ? LearningRate * WeightDecay * parameters[i] : 0f);
            }
        }

        return new ObjectnessModel(channels, parameters[..width], parameters[width]);
    }

    /// <summary>Share of labelled cells the model gets right at its threshold (garment and background cells weighed equally).</summary>
    public static double BalancedAccuracy(ObjectnessModel model, IReadOnlyList<(FeatureMap Map, float[] Labels)> examples)
    {
        int truePositives = 0, positives = 0, trueNegatives = 0, negatives = 0;
        foreach (var (map, labels) in examples)
        {
            var scores = model.Score(map);
            for (var cell = 0; cell < map.Cells; cell++)
            {
                if (float.IsNaN(labels[cell]))
                {
                    continue;
                }

                if (labels[cell] > 0.5f)
                {
                    positives++;
                    truePositives += scores[cell] >= 0.5f ? 1 : 0;
                }
                else
                {
                    negatives++;
                    trueNegatives += scores[cell] < 0.5f ? 1 : 0;
                }
            }
        }

        return ((double)truePositives / Math.Max(1, positives) / 2) + ((double)trueNegatives / Math.Max(1, negatives) / 2);
    }
}

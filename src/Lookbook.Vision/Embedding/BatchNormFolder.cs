using Onnx;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// Folds each BatchNormalization that directly follows a Conv into that Conv's weights and bias:
/// y = γ(Wx + b − μ)/√(σ²+ε) + β  ⇒  W' = W·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β. Exact in real arithmetic;
/// needed before int8 quantisation, which quantises the convolution's weights as they will be applied.
/// </summary>
internal static class BatchNormFolder
{
    public static void Fold(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);
        var consumers = graph.Node.SelectMany(n => n.Input).GroupBy(i => i, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var folded = new List<NodeProto>();
        foreach (var norm in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            if (!producers.TryGetValue(norm.Input[0], out var conv) || conv.OpType != "Conv" || consumers[norm.Input[0]] != 1
                || !norm.Input.Skip(1).All(initializers.ContainsKey) || !initializers.TryGetValue(conv.Input[1], out var weightTensor))
            {
                throw new ModelLoadException($"BatchNormalization {norm.Name} does not follow a Conv with constant weights; the model cannot be quantised.");
            }

            var epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var gamma = OnnxTensors.Floats(initializers[norm.Input[1]]);
            var beta = OnnxTensors.Floats(initializers[norm.Input[2]]);
            var mean = OnnxTensors.Floats(initializers[norm.Input[3]]);
            var variance = OnnxTensors.Floats(initializers[norm.Input[4]]);
            var weights = OnnxTensors.Floats(weightTensor);
            var channels = gamma.Length;
            var perChannel = weights.Length / channels;
            var bias = conv.Input.Count > 2 ? OnnxTensors.Floats(initializers[conv.Input[2]]) : new float[channels];

            var newBias = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                weights.AsSpan(c * perChannel, perChannel).Multiply(factor);
                newBias[c] = ((bias[c] - mean[c]) * factor) + beta[c];
            }

            var weightName = conv.Input[1] + "_folded";
            var biasName = conv.Output[0] + "_bias_folded";
            graph.Initializer.Add(OnnxTensors.Float(weightName, weights, [.. weightTensor.Dims]));
            graph.Initializer.Add(OnnxTensors.Float(biasName, newBias, channels));
            conv.Input[1] = weightName;
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = biasName;
            }
            else
            {
                conv.Input.Add(biasName);
            }

            conv.Output[0] = norm.Output[0]; // the Conv now produces what the normalisation did
            folded.Add(norm);
        }

        folded.ForEach(n => graph.Node.Remove(n));
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
            if (graph.Input.FirstOrDefault(i => i.Name == unused.Name) is { } input)
            {
                graph.Input.Remove(input);
            }
        }
    }

    private static void Multiply(this Span<float> values, float factor)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }
}

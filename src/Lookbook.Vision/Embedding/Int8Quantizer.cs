using Onnx;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// Static int8 quantisation of a (batch-norm-folded) CNN in the QDQ format: every activation that enters a Conv,
/// Add or MaxPool passes through QuantizeLinear/DequantizeLinear with a uint8 scale and zero point from calibration,
/// Conv weights are stored as per-channel symmetric int8 and biases as int32. ONNX Runtime's graph optimiser then
/// fuses each DQ → Conv → (Relu →) Q group into one integer QLinearConv (and Adds into QLinearAdd), so the
/// convolutions run as 8-bit integer matrix products — the same format ONNX Runtime's Python quantiser writes.
/// </summary>
internal static class Int8Quantizer
{
    private const int OpsetWithPerChannelQuantization = 13;

    /// <summary>The activation tensors whose ranges calibration must measure.</summary>
    public static IReadOnlyList<string> CalibrationTensors(GraphProto graph)
    {
        var constants = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Node
            .SelectMany(n => n.OpType switch
            {
                "Conv" or "MaxPool" => [n.Input[0]],
                "Add" => n.Input.Where(i => !constants.Contains(i)),
                _ => [],
            })
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Makes <paramref name="tensors"/> graph outputs so one run yields their values for calibration.</summary>
    public static void Expose(GraphProto graph, IEnumerable<string> tensors)
    {
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in tensors.Where(outputs.Add))
        {
            graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }
    }

    /// <param name="reduceRange">Weights in ±63 instead of ±127: without VNNI, x86's u8×s8 multiply-add saturates 16-bit sums at full range.</param>
    public static void Quantize(ModelProto model, IReadOnlyDictionary<string, TensorRange> ranges, bool reduceRange)
    {
        var graph = model.Graph;
        foreach (var opset in model.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain) && o.Version < OpsetWithPerChannelQuantization))
        {
            opset.Version = OpsetWithPerChannelQuantization;
        }

        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var activations = QuantizedActivations(graph, ranges);
        var outputs = new List<NodeProto>();

        foreach (var input in graph.Input.Where(i => activations.ContainsKey(i.Name)))
        {
            outputs.Add(QuantizeNode(input.Name, activations[input.Name]));
        }

        foreach (var node in graph.Node.ToList())
        {
            var firstInput = node.Input.Count > 0 ? node.Input[0] : "";
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (activations.TryGetValue(node.Input[i], out var parameters))
                {
                    var dequantized = $"{node.Input[i]}_dq_{node.Name}_{i}";
                    outputs.Add(OnnxTensors.Node("DequantizeLinear", dequantized, [node.Input[i] + "_q", parameters.Scale, parameters.ZeroPoint], [dequantized]));
                    node.Input[i] = dequantized;
                }
            }

            if (node.OpType == "Conv")
            {
                outputs.AddRange(QuantizeConvolution(graph, node, initializers, activations[firstInput].ScaleValue, reduceRange));
            }

            outputs.Add(node);
            foreach (var output in node.Output.Where(activations.ContainsKey))
            {
                outputs.Add(QuantizeNode(output, activations[output]));
            }
        }

        graph.Node.Clear();
        graph.Node.Add(outputs);
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !used.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
        }
    }

    /// <summary>uint8 scale and zero point of each quantised activation; a MaxPool's output reuses its input's, so the pool runs on uint8 unchanged.</summary>
    private static Dictionary<string, ActivationParameters> QuantizedActivations(GraphProto graph, IReadOnlyDictionary<string, TensorRange> ranges)
    {
        var activations = new Dictionary<string, ActivationParameters>(StringComparer.Ordinal);
        foreach (var tensor in CalibrationTensors(graph))
        {
            if (!ranges.TryGetValue(tensor, out var range))
            {
                throw new ModelLoadException($"The calibration has no range for tensor '{tensor}': it was made for another model or layer. Run `lookbook quantize` again.");
            }

            // The range must contain 0 so that zero padding is exact; ReLU outputs get zero point 0, which lets
            // ONNX Runtime drop the Relu into the preceding integer convolution.
            var min = Math.Min(range.Min, 0f);
            var max = Math.Max(range.Max, 0f);
            var scale = max > min ? (max - min) / 255f : 1f;
            var zeroPoint = (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255);
            activations[tensor] = new ActivationParameters($"{tensor}_scale", $"{tensor}_zero_point", scale, zeroPoint);
        }

        foreach (var pool in graph.Node.Where(n => n.OpType == "MaxPool" && activations.ContainsKey(n.Input[0])))
        {
            var source = activations[pool.Input[0]];
            if (activations.ContainsKey(pool.Output[0]))
            {
                activations[pool.Output[0]] = source with { Scale = $"{pool.Output[0]}_scale", ZeroPoint = $"{pool.Output[0]}_zero_point" };
            }
        }

        foreach (var parameters in activations.Values)
        {
            graph.Initializer.Add(OnnxTensors.Float(parameters.Scale, [parameters.ScaleValue]));
            graph.Initializer.Add(OnnxTensors.UInt8(parameters.ZeroPoint, [parameters.ZeroPointValue]));
        }

        return activations;
    }

    private static NodeProto QuantizeNode(string tensor, ActivationParameters parameters) =>
        OnnxTensors.Node("QuantizeLinear", $"{tensor}_quantize", [tensor, parameters.Scale, parameters.ZeroPoint], [tensor + "_q"]);

    /// <summary>Per-output-channel symmetric int8 weights and int32 bias (scale = input scale × weight scale), each behind a DequantizeLinear.</summary>
    private static IEnumerable<NodeProto> QuantizeConvolution(
        GraphProto graph, NodeProto conv, Dictionary<string, TensorProto> initializers, float inputScale, bool reduceRange)
    {
        var weightTensor = initializers.GetValueOrDefault(conv.Input[1])
            ?? throw new ModelLoadException($"Conv {conv.Name} has no constant weights; it cannot be quantised.");
        var weights = OnnxTensors.Floats(weightTensor);
        var channels = (int)weightTensor.Dims[0];
        var perChannel = weights.Length / channels;
        var limit = reduceRange ? 63f : 127f;

        var quantized = new sbyte[weights.Length];
        var scales = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var slice = weights.AsSpan(c * perChannel, perChannel);
            var largest = 0f;
            foreach (var w in slice)
            {
                largest = Math.Max(largest, Math.Abs(w));
            }

            scales[c] = largest > 0 ? largest / limit : 1f;
            for (var i = 0; i < perChannel; i++)
            {
                quantized[(c * perChannel) + i] = (sbyte)Math.Clamp(MathF.Round(slice[i] / scales[c]), -limit, limit);
            }
        }

        var name = conv.Name.Length > 0 ? conv.Name : conv.Output[0];
        graph.Initializer.Add(OnnxTensors.Int8($"{name}_w_q", quantized, [.. weightTensor.Dims]));
        graph.Initializer.Add(OnnxTensors.Float($"{name}_w_scale", scales, channels));
        graph.Initializer.Add(OnnxTensors.Int8($"{name}_w_zero_point", new sbyte[channels], channels));
        var axis = OnnxTensors.IntAttribute("axis", 0);
        yield return OnnxTensors.Node("DequantizeLinear", $"{name}_w_dq", [$"{name}_w_q", $"{name}_w_scale", $"{name}_w_zero_point"], [$"{name}_w_dq"], axis);
        conv.Input[1] = $"{name}_w_dq";

        if (conv.Input.Count > 2 && initializers.TryGetValue(conv.Input[2], out var biasTensor))
        {
            var bias = OnnxTensors.Floats(biasTensor);
            var biasScales = scales.Select(s => s * inputScale).ToArray();
            var biasQuantized = bias.Select((b, c) => (int)Math.Clamp(Math.Round(b / biasScales[c]), int.MinValue, int.MaxValue)).ToArray();
            graph.Initializer.Add(OnnxTensors.Int32($"{name}_b_q", biasQuantized, channels));
            graph.Initializer.Add(OnnxTensors.Float($"{name}_b_scale", biasScales, channels));
            graph.Initializer.Add(OnnxTensors.Int32($"{name}_b_zero_point", new int[channels], channels));
            yield return OnnxTensors.Node("DequantizeLinear", $"{name}_b_dq", [$"{name}_b_q", $"{name}_b_scale", $"{name}_b_zero_point"], [$"{name}_b_dq"], axis);
            conv.Input[2] = $"{name}_b_dq";
        }
    }

    private sealed record ActivationParameters(string Scale, string ZeroPoint, float ScaleValue, byte ZeroPointValue);
}

/// <summary>The observed range of one activation tensor over the calibration images.</summary>
public sealed record TensorRange(float Min, float Max);

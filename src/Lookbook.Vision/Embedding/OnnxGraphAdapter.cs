using Google.Protobuf;
using Onnx;

namespace Lookbook.Vision.Embedding;

/// <summary>
/// Rewrites an image model so it can serve as a batched feature extractor: symbolic batch and spatial
/// dimensions, the requested intermediate tensors as outputs, and everything after them pruned
/// (no work is spent on layers nobody reads).
/// </summary>
/// <remarks>
/// Models exported with a fixed batch of 1 and a fixed 224×224 input (such as the CNTK-exported
/// ResNet18) otherwise reject batches and smaller inputs. A fixed-window AveragePool that covers the
/// whole feature map is turned into GlobalAveragePool so it stays correct at any input size.
/// </remarks>
public static class OnnxGraphAdapter
{
    public static byte[] Adapt(byte[] modelBytes, IReadOnlyList<string> layers) => AdaptModel(modelBytes, layers).ToByteArray();

    /// <summary>The adapted model, for further rewriting (e.g. quantisation).</summary>
    public static ModelProto AdaptModel(byte[] modelBytes, IReadOnlyList<string> layers)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(modelBytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelLoadException("The model file is not a valid ONNX model (it could not be parsed).", e);
        }

        var graph = model.Graph ?? throw new ModelLoadException("The ONNX model has no graph.");
        var initializerNames = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var imageInput = graph.Input.FirstOrDefault(i => !initializerNames.Contains(i.Name))
            ?? throw new ModelLoadException("The ONNX model has no image input.");

        var staticShapes = graph.ValueInfo.Concat(graph.Input).Concat(graph.Output)
            .Where(v => v.Type?.TensorType?.Shape is not null)
            .ToDictionary(v => v.Name, v => v.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray(), StringComparer.Ordinal);

        MakeSpatialDimensionsSymbolic(imageInput);
        ReplaceWholeMapAveragePools(graph, staticShapes);

        if (layers.Count > 0)
        {
            var produced = graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
            var unknown = layers.Where(l => !produced.Contains(l)).ToList();
            if (unknown.Count > 0)
            {
                var examples = string.Join(", ", graph.Node.Where(n => n.OpType is "Relu" or "GlobalAveragePool" or "AveragePool" or "Flatten")
                    .Select(n => n.Output[0]).TakeLast(6));
                throw new ModelLoadException(
                    $"The model has no tensor named {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Layers must name node outputs; the last candidates in this model are: {examples}.");
            }

            graph.Output.Clear();
            foreach (var layer in layers)
            {
                graph.Output.Add(new ValueInfoProto
                {
                    Name = layer,
                    Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
                });
            }
        }
        else
        {
            foreach (var output in graph.Output)
            {
                if (output.Type?.TensorType is { } tensor)
                {
                    tensor.Shape = null;
                }
            }
        }

        // Shapes recorded for the fixed input are wrong for other sizes; ONNX Runtime re-infers them.
        graph.ValueInfo.Clear();
        PruneUnusedNodes(graph, initializerNames);
        return model;
    }

    private static void MakeSpatialDimensionsSymbolic(ValueInfoProto input)
    {
        var dims = input.Type.TensorType.Shape.Dim;
        string[] names = dims.Count == 4 ? ["batch", "channels", "height", "width"] : ["batch"];
        for (var i = 0; i < Math.Min(dims.Count, names.Length); i++)
        {
            if (names[i] == "channels")
            {
                continue;
            }

            dims[i].ClearValue();
            dims[i].DimParam = names[i];
        }
    }

    private static void ReplaceWholeMapAveragePools(GraphProto graph, Dictionary<string, long[]> shapes)
    {
        foreach (var node in graph.Node.Where(n => n.OpType == "AveragePool"))
        {
            if (!shapes.TryGetValue(node.Input[0], out var shape) || shape.Length != 4)
            {
                continue;
            }

            var kernel = node.Attribute.FirstOrDefault(a => a.Name == "kernel_shape")?.Ints;
            var pads = node.Attribute.FirstOrDefault(a => a.Name == "pads")?.Ints;
            var coversWholeMap = kernel is { Count: 2 } && kernel[0] == shape[2] && kernel[1] == shape[3]
                && (pads is null || pads.All(p => p == 0));
            if (coversWholeMap)
            {
                node.OpType = "GlobalAveragePool";
                node.Attribute.Clear();
            }
        }
    }

    private static void PruneUnusedNodes(GraphProto graph, HashSet<string> initializerNames)
    {
        var needed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                foreach (var input in node.Input)
                {
                    needed.Add(input);
                }
            }
        }

        kept.Reverse();
        graph.Node.Clear();
        graph.Node.Add(kept);

        var unusedInitializers = graph.Initializer.Where(i => !needed.Contains(i.Name)).ToList();
        foreach (var initializer in unusedInitializers)
        {
            graph.Initializer.Remove(initializer);
        }

        var unusedInputs = graph.Input.Where(i => initializerNames.Contains(i.Name) && !needed.Contains(i.Name)).ToList();
        foreach (var input in unusedInputs)
        {
            graph.Input.Remove(input);
        }
    }
}

using System.Numerics.Tensors;
using Lookbook.Index;

namespace Lookbook.Learning;

/// <summary>
/// The trained classification head: standardise → fully connected → ReLU → fully connected → softmax.
/// Its hidden layer is also a learned embedding for retrieval. Immutable and thread-safe.
/// </summary>
public sealed class MlpHead
{
    public MlpHead(IReadOnlyList<string> classes, int inputSize, int hiddenSize, float[] inputMean, float[] inputScale,
        float[] hiddenWeights, float[] hiddenBias, float[] outputWeights, float[] outputBias)
    {
        if (inputMean.Length != inputSize || inputScale.Length != inputSize || hiddenWeights.Length != hiddenSize * inputSize
            || hiddenBias.Length != hiddenSize || outputWeights.Length != classes.Count * hiddenSize || outputBias.Length != classes.Count)
        {
            throw new ArgumentException("The head's weights do not match its declared sizes.");
        }

        Classes = classes;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        InputMean = inputMean;
        InputScale = inputScale;
        HiddenWeights = hiddenWeights;
        HiddenBias = hiddenBias;
        OutputWeights = outputWeights;
        OutputBias = outputBias;
    }

    public IReadOnlyList<string> Classes { get; }

    public int InputSize { get; }

    public int HiddenSize { get; }

    internal float[] InputMean { get; }

    /// <summary>1 / standard deviation of each input feature over the training set.</summary>
    internal float[] InputScale { get; }

    /// <summary>Row-major [hidden, input].</summary>
    internal float[] HiddenWeights { get; }

    internal float[] HiddenBias { get; }

    /// <summary>Row-major [classes, hidden].</summary>
    internal float[] OutputWeights { get; }

    internal float[] OutputBias { get; }

    /// <summary>Class probabilities for one feature vector, in <see cref="Classes"/> order.</summary>
    public float[] Predict(ReadOnlySpan<float> features)
    {
        // Averaged networks keep every member's units (three of 512: 1,536), still small enough for the stack.
        Span<float> hidden = HiddenSize <= 2048 ? stackalloc float[HiddenSize] : new float[HiddenSize];
        Hidden(features, hidden);
        var probabilities = new float[Classes.Count];
        Output(hidden, probabilities);
        return probabilities;
    }

    /// <summary>The most likely class and its probability.</summary>
    /// <summary>
    /// The class a head learns for images of no product (textures, scenes, noise): a head trained with it turns such
    /// photos away ("no good match") instead of naming the nearest garment.
    /// </summary>
    public const string NoProduct = "(no product)";

    /// <summary>The most likely product category (never <see cref="NoProduct"/>) and the probability that the image shows no product.</summary>
    public (string Class, float Confidence, float NoProductProbability) ClassifyProduct(ReadOnlySpan<float> features) => BestProduct(Predict(features));

    /// <summary>What <see cref="ClassifyProduct"/> reads from probabilities in <see cref="Classes"/> order (from this head or mixed with another, <see cref="ShotAwareCategories"/>).</summary>
    public (string Class, float Confidence, float NoProductProbability) BestProduct(ReadOnlySpan<float> probabilities)
    {
        var best = -1;
        var noProduct = 0f;
        for (var c = 0; c < probabilities.Length; c++)
        {
            if (Classes[c] == NoProduct)
            {
                noProduct = probabilities[c];
            }
            else if (best < 0 || probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        return (Classes[best], probabilities[best], noProduct);
    }

    public (string Class, float Confidence) Classify(ReadOnlySpan<float> features)
    {
        var probabilities = Predict(features);
        var best = TensorPrimitives.IndexOfMax(probabilities);
        return (Classes[best], probabilities[best]);
    }

    /// <summary>
    /// One head whose logits are the mean of the members' logits (a geometric mean of their probabilities): their hidden
    /// layers side by side, each output row scaled by 1/members. Served, stored and read exactly as a single network; its
    /// hidden layer, the members' together, is the learned embedding. The members must share classes and standardisation,
    /// i.e. be trained on the same examples.
    /// </summary>
    public static MlpHead Average(IReadOnlyList<MlpHead> members)
    {
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        var first = members[0];
        if (members.Count == 1)
        {
            return first;
        }

        if (members.Any(m => !m.Classes.SequenceEqual(first.Classes, StringComparer.Ordinal) || m.InputSize != first.InputSize
            || !m.InputMean.AsSpan().SequenceEqual(first.InputMean) || !m.InputScale.AsSpan().SequenceEqual(first.InputScale)))
        {
            throw new ArgumentException("Only heads trained on the same examples (same classes, inputs and standardisation) can be averaged.", nameof(members));
        }

        var hiddenSize = members.Sum(m => m.HiddenSize);
        var classes = first.Classes.Count;
        var outputWeights = new float[classes * hiddenSize];
        var outputBias = new float[classes];
        var offset = 0;
        foreach (var member in members)
        {
            for (var c = 0; c < classes; c++)
            {
                TensorPrimitives.Divide(member.OutputWeights.AsSpan(c * member.HiddenSize, member.HiddenSize), members.Count,
                    outputWeights.AsSpan((c * hiddenSize) + offset, member.HiddenSize));
                outputBias[c] += member.OutputBias[c] / members.Count;
            }

            offset += member.HiddenSize;
        }

        return new MlpHead(first.Classes, first.InputSize, hiddenSize, first.InputMean, first.InputScale,
            [.. members.SelectMany(m => m.HiddenWeights)], [.. members.SelectMany(m => m.HiddenBias)], outputWeights, outputBias);
    }

    /// <summary>The hidden layer's activations, L2-normalised: the learned retrieval embedding.</summary>
    public float[] Embed(ReadOnlySpan<float> features)
    {
        var hidden = new float[HiddenSize];
        Hidden(features, hidden);
        VectorMath.NormalizeInPlace(hidden);
        return hidden;
    }

    internal void Hidden(ReadOnlySpan<float> features, Span<float> hidden)
    {
        if (features.Length != InputSize)
        {
            throw new ArgumentException($"The head takes {InputSize} features; got {features.Length}.", nameof(features));
        }

        Span<float> standardised = InputSize <= 4096 ? stackalloc float[InputSize] : new float[InputSize];
        TensorPrimitives.Subtract(features, InputMean, standardised);
        TensorPrimitives.Multiply(standardised, InputScale, standardised);
        for (var j = 0; j < HiddenSize; j++)
        {
            hidden[j] = Math.Max(0, DeterministicMath.Dot(HiddenWeights.AsSpan(j * InputSize, InputSize), standardised) + HiddenBias[j]);
        }
    }

    internal void Output(ReadOnlySpan<float> hidden, Span<float> probabilities)
    {
        for (var c = 0; c < Classes.Count; c++)
        {
            probabilities[c] = DeterministicMath.Dot(OutputWeights.AsSpan(c * HiddenSize, HiddenSize), hidden) + OutputBias[c];
        }

        TensorPrimitives.SoftMax(probabilities, probabilities);
    }
}

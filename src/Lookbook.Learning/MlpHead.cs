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
        Span<float> hidden = HiddenSize <= 1024 ? stackalloc float[HiddenSize] : new float[HiddenSize];
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
    public (string Class, float Confidence, float NoProductProbability) ClassifyProduct(ReadOnlySpan<float> features)
    {
        var probabilities = Predict(features);
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

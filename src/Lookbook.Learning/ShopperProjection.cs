using System.Numerics.Tensors;
using Lookbook.Index;

namespace Lookbook.Learning;

/// <summary>
/// A learned map of the backbone's vectors into a space where a shopper's photo of a product lies next to the product's
/// catalog shot: a linear map plus a residual hidden layer, u = W·x + V·relu(U·x + b), normalised; trained
/// contrastively (<see cref="ProjectionTrainer"/>) on synthesised shopper photos. With a <see cref="RawWeight"/> α > 0
/// the search vector is [√α·x, √(1−α)·u/|u|], so similarity is α·(raw similarity) + (1−α)·(projected similarity): the
/// backbone's sense of category and the projection's sense of "the same product", blended by a weight chosen on
/// validation. Applied the same way to stored vectors and to query photos, so the index holds mapped catalog vectors
/// and a re-embedded image gives the same mapped vector (a pure function). Immutable and thread-safe.
/// </summary>
public sealed class ShopperProjection
{
    public ShopperProjection(int size, int hiddenSize, float[] linear, float[] hiddenWeights, float[] hiddenBias, float[] outputWeights, float rawWeight = 0)
    {
        if (size <= 0 || hiddenSize < 0 || linear.Length != size * size || hiddenWeights.Length != hiddenSize * size
            || hiddenBias.Length != hiddenSize || outputWeights.Length != size * hiddenSize)
        {
            throw new ArgumentException($"The projection's weights do not match its sizes ({size}-d, {hiddenSize} hidden).");
        }

        if (rawWeight is < 0 or >= 1 || float.IsNaN(rawWeight))
        {
            throw new ArgumentException($"The projection's raw weight must be in [0, 1); got {rawWeight}.");
        }

        RawWeight = rawWeight;

        Size = size;
        HiddenSize = hiddenSize;
        Linear = linear;
        HiddenWeights = hiddenWeights;
        HiddenBias = hiddenBias;
        OutputWeights = outputWeights;
    }

    /// <summary>Dimension of the vectors it takes (and of the projected part it gives).</summary>
    public int Size { get; }

    /// <summary>Weight of the raw (backbone) similarity in the blend; 0: the projection alone.</summary>
    public float RawWeight { get; }

    /// <summary>Dimension of the vectors <see cref="Apply"/> gives.</summary>
    public int OutputSize => RawWeight > 0 ? 2 * Size : Size;

    public int HiddenSize { get; }

    /// <summary>W, row-major [size, size].</summary>
    internal float[] Linear { get; }

    /// <summary>U, row-major [hidden, size].</summary>
    internal float[] HiddenWeights { get; }

    internal float[] HiddenBias { get; }

    /// <summary>V, row-major [size, hidden].</summary>
    internal float[] OutputWeights { get; }

    /// <summary>The starting point of training: the identity, with a hidden layer that adds nothing yet.</summary>
    public static ShopperProjection Identity(int size, int hiddenSize, int seed)
    {
        var linear = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            linear[(i * size) + i] = 1f;
        }

        var random = new Random(seed);
        var limit = MathF.Sqrt(6f / (size + hiddenSize));
        var hidden = new float[hiddenSize * size];
        for (var i = 0; i < hidden.Length; i++)
        {
            hidden[i] = ((random.NextSingle() * 2) - 1) * limit;
        }

        return new ShopperProjection(size, hiddenSize, linear, hidden, new float[hiddenSize], new float[size * hiddenSize]);
    }

    /// <summary>The search vector (unit length): the projected vector, blended with the raw one when <see cref="RawWeight"/> > 0.</summary>
    public float[] Apply(ReadOnlySpan<float> vector)
    {
        var projected = new float[Size];
        Forward(vector, projected, HiddenSize <= 2048 ? stackalloc float[HiddenSize] : new float[HiddenSize]);
        VectorMath.NormalizeInPlace(projected);
        if (RawWeight == 0)
        {
            return projected;
        }

        var blended = new float[2 * Size];
        var raw = blended.AsSpan(0, Size);
        vector.CopyTo(raw);
        VectorMath.NormalizeInPlace(raw);
        TensorPrimitives.Multiply(raw, MathF.Sqrt(RawWeight), raw);
        TensorPrimitives.Multiply(projected, MathF.Sqrt(1 - RawWeight), blended.AsSpan(Size));
        return blended;
    }

    /// <summary>
    /// A query vector that, against vectors stored by <see cref="Apply"/> (blended at <see cref="RawWeight"/> α), scores
    /// γ·(raw similarity) + (1−γ)·(projected similarity) for another weight γ = <paramref name="rawWeight"/>: the stored
    /// halves are [√α·x, √(1−α)·u], so the query's are scaled by γ/√α and (1−γ)/√(1−α). Scores stay convex blends of two
    /// cosines, comparable with the no-good-match threshold; the vector is not unit length. Needs α > 0 (a projection
    /// stored alone has no raw half to weigh).
    /// </summary>
    public float[] ApplyReweighted(ReadOnlySpan<float> vector, float rawWeight)
    {
        if (RawWeight == 0)
        {
            throw new InvalidOperationException("A projection stored without the raw vectors cannot be reweighted.");
        }

        var query = Apply(vector); // [√α·x, √(1−α)·u]
        var gamma = Math.Clamp(rawWeight, 0f, 1f);
        TensorPrimitives.Multiply(query.AsSpan(0, Size), gamma / RawWeight, query.AsSpan(0, Size));
        TensorPrimitives.Multiply(query.AsSpan(Size), (1 - gamma) / (1 - RawWeight), query.AsSpan(Size));
        return query;
    }

    /// <summary>
    /// A photo's query vector: like <see cref="Apply"/>, but the blend moves from <see cref="RawWeight"/> α toward
    /// <paramref name="catalogShotRawWeight"/> as far as the photo looks like a catalog shot (raw weight
    /// α + (γ − α)·<paramref name="catalogShotProbability"/>); see <see cref="TrainedHead.ToQuerySpace(float[])"/> for why.
    /// <see cref="Apply"/> itself without a blend, a probability or another weight.
    /// </summary>
    public float[] ApplyToQuery(ReadOnlySpan<float> vector, float? catalogShotProbability, float? catalogShotRawWeight) =>
        RawWeight > 0 && catalogShotProbability is { } shot && catalogShotRawWeight is { } gamma && gamma != RawWeight
            ? ApplyReweighted(vector, RawWeight + ((gamma - RawWeight) * Math.Clamp(shot, 0f, 1f)))
            : Apply(vector);

    /// <summary>The same projection blended with the raw vectors at <paramref name="rawWeight"/>.</summary>
    public ShopperProjection WithRawWeight(float rawWeight) => new(Size, HiddenSize, Linear, HiddenWeights, HiddenBias, OutputWeights, rawWeight);

    /// <summary>u = W·x + V·relu(U·x + b), unnormalised; <paramref name="hidden"/> receives relu(U·x + b).</summary>
    internal void Forward(ReadOnlySpan<float> vector, Span<float> projected, Span<float> hidden)
    {
        if (vector.Length != Size)
        {
            throw new ArgumentException($"The projection takes {Size}-d vectors; got {vector.Length}.", nameof(vector));
        }

        for (var h = 0; h < HiddenSize; h++)
        {
            hidden[h] = MathF.Max(0, DeterministicMath.Dot(HiddenWeights.AsSpan(h * Size, Size), vector) + HiddenBias[h]);
        }

        for (var o = 0; o < Size; o++)
        {
            projected[o] = DeterministicMath.Dot(Linear.AsSpan(o * Size, Size), vector)
                + (HiddenSize == 0 ? 0 : DeterministicMath.Dot(OutputWeights.AsSpan(o * HiddenSize, HiddenSize), hidden));
        }
    }

    internal ShopperProjection Copy() =>
        new(Size, HiddenSize, (float[])Linear.Clone(), (float[])HiddenWeights.Clone(), (float[])HiddenBias.Clone(), (float[])OutputWeights.Clone(), RawWeight);
}

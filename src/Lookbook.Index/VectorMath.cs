using System.Numerics.Tensors;

namespace Lookbook.Index;

/// <summary>Vector helpers shared by the index, the store and the learned layers.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> in place to unit length; a zero vector stays zero.</summary>
    public static void NormalizeInPlace(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0f && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    /// <summary>Serialises a vector as little-endian float32 bytes (the database format).</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> vector) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector).ToArray();

    /// <summary>Reads a vector written by <see cref="ToBytes"/>.</summary>
    public static float[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new ArgumentException($"A vector blob must be a multiple of 4 bytes; got {bytes.Length}.", nameof(bytes));
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}

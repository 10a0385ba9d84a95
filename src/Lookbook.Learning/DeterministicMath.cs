using System.Numerics;
using System.Runtime.InteropServices;

namespace Lookbook.Learning;

/// <summary>
/// A dot product whose result depends only on the values, not on where the arrays sit in memory.
/// TensorPrimitives.Dot may align its loop to the address, which changes the order of the float
/// additions between runs; training must be reproducible bit for bit with a fixed seed.
/// </summary>
internal static class DeterministicMath
{
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        var i = 0;
        var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
        var ys = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
        for (var v = 0; v < xs.Length; v++)
        {
            sum += xs[v] * ys[v];
        }

        i = xs.Length * width;
        var result = Vector.Sum(sum);
        for (; i < x.Length; i++)
        {
            result += x[i] * y[i];
        }

        return result;
    }
}

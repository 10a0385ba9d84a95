namespace Lookbook.Testing;

/// <summary>Vectors for index and cluster tests: uniform in [-1, 1) per dimension, L2-normalised, reproducible from the random.</summary>
public static class TestVectors
{
    public static float[] Unit(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (var d = 0; d < dimension; d++)
        {
            vector[d] = (float)((random.NextDouble() * 2) - 1);
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        for (var d = 0; d < dimension; d++)
        {
            vector[d] /= norm;
        }

        return vector;
    }
}

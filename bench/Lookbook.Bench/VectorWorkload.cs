using System.Numerics.Tensors;
using Lookbook.Index;

namespace Lookbook.Bench;

/// <summary>
/// Realistic vectors at any scale: real embeddings of a catalog, and beyond its size new "products" made by
/// moving a real vector part of the way toward another of the same category and adding a little noise — so the
/// set keeps the clusters and density of real image embeddings (uniform random vectors would not, and every
/// HNSW's recall on them is poor). Queries are real vectors with fresh noise, like a new photo of a known product.
/// </summary>
internal sealed class VectorWorkload
{
    private VectorWorkload(int dimension, float[] vectors, float[] queries)
    {
        Dimension = dimension;
        Vectors = vectors;
        Queries = queries;
    }

    public int Dimension { get; }

    /// <summary>Row-major, L2-normalised.</summary>
    public float[] Vectors { get; }

    public float[] Queries { get; }

    public int Count => Vectors.Length / Dimension;

    public int QueryCount => Queries.Length / Dimension;

    public ReadOnlySpan<float> Vector(int row) => Vectors.AsSpan(row * Dimension, Dimension);

    public ReadOnlySpan<float> Query(int row) => Queries.AsSpan(row * Dimension, Dimension);

    public static VectorWorkload FromCatalog(IReadOnlyList<StoredVector> real, int count, int queryCount, int seed = 42)
    {
        var dimension = real[0].Vector.Length;
        var random = new Random(seed);
        var byCategory = real.GroupBy(v => v.Category).ToDictionary(g => g.Key, g => g.ToArray());
        var vectors = new float[(long)count * dimension];
        for (var row = 0; row < count; row++)
        {
            var target = vectors.AsSpan(row * dimension, dimension);
            var source = real[row % real.Count];
            if (row < real.Count)
            {
                source.Vector.CopyTo(target);
                continue;
            }

            var sameCategory = byCategory[source.Category];
            Blend(source.Vector, sameCategory[random.Next(sameCategory.Length)].Vector, 0.3f * random.NextSingle(), 0.1f, random, target);
        }

        var queries = new float[queryCount * dimension];
        for (var row = 0; row < queryCount; row++)
        {
            var source = real[random.Next(real.Count)].Vector;
            Blend(source, source, 0, 0.15f, random, queries.AsSpan(row * dimension, dimension));
        }

        return new VectorWorkload(dimension, vectors, queries);
    }

    /// <summary>
    /// The exact top-k of every query, computed in blocks of catalog rows so each block is reused from cache by
    /// all queries (a per-query scan of 1M vectors would read 1 GB each time).
    /// </summary>
    public int[][] ExactNeighbours(int k)
    {
        var heaps = Enumerable.Range(0, QueryCount).Select(_ => new PriorityQueue<int, float>(k + 1)).ToArray();
        const int Block = 2048;
        var threads = Environment.ProcessorCount;
        var perThread = (QueryCount + threads - 1) / threads;
        Parallel.For(0, threads, thread =>
        {
            var first = thread * perThread;
            var last = Math.Min(QueryCount, first + perThread);
            for (var start = 0; start < Count; start += Block)
            {
                var end = Math.Min(Count, start + Block);
                for (var q = first; q < last; q++)
                {
                    var query = Query(q);
                    var heap = heaps[q];
                    for (var row = start; row < end; row++)
                    {
                        var score = TensorPrimitives.Dot(query, Vector(row));
                        if (heap.Count < k)
                        {
                            heap.Enqueue(row, score);
                        }
                        else if (heap.TryPeek(out _, out var worst) && score > worst)
                        {
                            heap.EnqueueDequeue(row, score);
                        }
                    }
                }
            }
        });
        return heaps.Select(heap =>
        {
            var rows = new int[heap.Count];
            for (var i = rows.Length - 1; i >= 0; i--)
            {
                rows[i] = heap.Dequeue();
            }

            return rows;
        }).ToArray();
    }

    /// <summary>Writes vectors and queries as raw little-endian float32 for the Python peers.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        Write(Path.Combine(directory, "vectors.f32"), Vectors);
        Write(Path.Combine(directory, "queries.f32"), Queries);
    }

    /// <summary>Streams the floats out without a second copy (1M vectors are 1 GB).</summary>
    public static void Write<T>(string path, T[] values)
        where T : struct
    {
        using var file = File.Create(path);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void Blend(float[] from, float[] toward, float amount, float noise, Random random, Span<float> target)
    {
        var scale = noise / MathF.Sqrt(from.Length);
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = from[i] + (amount * (toward[i] - from[i])) + (scale * Gaussian(random));
        }

        VectorMath.NormalizeInPlace(target);
    }

    private static float Gaussian(Random random) =>
        MathF.Sqrt(-2f * MathF.Log(1f - random.NextSingle())) * MathF.Cos(2f * MathF.PI * random.NextSingle());
}

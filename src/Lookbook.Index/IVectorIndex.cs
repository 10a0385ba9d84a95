namespace Lookbook.Index;

/// <summary>
/// Nearest-neighbour search over L2-normalised vectors by their dot product with the query (the cosine similarity when
/// the query is a unit vector too; a query may be scaled on purpose, and its scores scale with it): <see cref="ExactVectorIndex"/> scans
/// every vector, <see cref="HnswVectorIndex"/> walks a graph. Disposable because an index may hold native memory
/// that the garbage collector neither sees nor frees in time. Implementations need not be thread-safe for writes;
/// <see cref="SynchronizedVectorIndex"/> makes any of them safe to update while it is searched.
/// </summary>
public interface IVectorIndex : IDisposable
{
    /// <summary>Length of every vector in the index.</summary>
    int Dimension { get; }

    /// <summary>Number of vectors in the index.</summary>
    int Count { get; }

    /// <summary>The keys in the index (a copy or a live view; do not write while enumerating).</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>Adds the vector for <paramref name="key"/>, replacing any previous one.</summary>
    void Upsert(string key, ReadOnlySpan<float> vector);

    /// <summary>A copy of the vector stored for <paramref name="key"/>, or null.</summary>
    float[]? Get(string key);

    /// <summary>Removes <paramref name="key"/>; returns false when it was not there.</summary>
    bool Remove(string key);

    /// <summary>The <paramref name="k"/> most similar keys, best first, that pass <paramref name="filter"/>.</summary>
    IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, Func<string, bool>? filter = null);
}

/// <summary>One result of a vector search.</summary>
/// <param name="Key">The product id.</param>
/// <param name="Similarity">The query's dot product with the stored unit vector: cosine similarity in [-1, 1] for a unit query.</param>
public readonly record struct VectorHit(string Key, float Similarity);

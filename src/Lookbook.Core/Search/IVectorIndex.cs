namespace Lookbook.Core.Search;

/// <summary>
/// Nearest-neighbour search over L2-normalised vectors by cosine similarity.
/// The exact index implements it today; an approximate index can replace it for large catalogs.
/// </summary>
public interface IVectorIndex
{
    /// <summary>Length of every vector in the index.</summary>
    int Dimension { get; }

    /// <summary>Number of vectors in the index.</summary>
    int Count { get; }

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
/// <param name="Similarity">Cosine similarity in [-1, 1].</param>
public readonly record struct VectorHit(string Key, float Similarity);

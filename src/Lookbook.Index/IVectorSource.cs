namespace Lookbook.Index;

/// <summary>
/// Where an index gets its vectors: a catalog store whose every vector write carries a revision that never goes
/// back, so an index that remembers the revision it holds can catch up with only what changed since.
/// </summary>
public interface IVectorSource
{
    /// <summary>The files kept beside the catalog (the saved graph lives there).</summary>
    CatalogFiles Files { get; }

    /// <summary>The revision of the latest vector write (0 before any).</summary>
    long GetEmbeddingRevision();

    /// <summary>How many products have a vector.</summary>
    int CountVectors();

    /// <summary>Streams every vector.</summary>
    IEnumerable<StoredVector> ReadVectors(CancellationToken cancellationToken = default);

    /// <summary>Vectors written after <paramref name="revision"/> (new or re-embedded products).</summary>
    IEnumerable<StoredVector> ReadVectorsChangedSince(long revision, CancellationToken cancellationToken = default);

    /// <summary>Ids of every product that has a vector.</summary>
    HashSet<string> ReadEmbeddedIds();
}

/// <summary>A product's vector with the fields search filters on.</summary>
public sealed record StoredVector(string ProductId, string Category, float[] Vector);

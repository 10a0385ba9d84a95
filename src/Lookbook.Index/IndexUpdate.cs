namespace Lookbook.Index;

/// <summary>What opening or catching up an index did.</summary>
/// <param name="Rebuilt">Built from every vector (no saved index, or one for another model, head or setting).</param>
/// <param name="Added">Vectors added or replaced since the index was saved or last caught up.</param>
/// <param name="Removed">Vectors of products that left the catalog.</param>
/// <param name="Count">Vectors in the index afterwards.</param>
public sealed record IndexUpdate(bool Rebuilt, int Added, int Removed, int Count, TimeSpan Elapsed)
{
    /// <summary>Why the caught-up graph could not be saved beside the catalog, or null.</summary>
    public string? SaveFailure { get; init; }
}

/// <summary>An index open over a catalog's vectors.</summary>
/// <param name="Index">Safe to search while it is caught up.</param>
/// <param name="IsApproximate">An HNSW graph rather than an exact scan.</param>
/// <param name="Revision">The catalog revision the index holds.</param>
/// <param name="Update">What opening it did.</param>
public sealed record OpenedIndex(SynchronizedVectorIndex Index, bool IsApproximate, long Revision, IndexUpdate Update);

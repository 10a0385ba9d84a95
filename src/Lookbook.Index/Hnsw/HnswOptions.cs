using Cloud.Unum.USearch;

namespace Lookbook.Index;

/// <summary>How the HNSW graph is built and searched.</summary>
public sealed record HnswOptions
{
    /// <summary>Neighbours kept per node (HNSW's M): more means better recall, more memory, slower builds.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates considered while inserting (efConstruction).</summary>
    public int ExpansionAdd { get; init; } = 64;

    /// <summary>Candidates considered while searching (ef); raised to k when k is larger.</summary>
    public int ExpansionSearch { get; init; } = 64;

    /// <summary>How vectors are stored in the graph: F16 halves memory against F32 at no measurable recall cost.</summary>
    public HnswStorage Storage { get; init; } = HnswStorage.F16;

    /// <summary>Threads that insert in parallel while building (all cores by default).</summary>
    public int BuildThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Concurrent searches allowed before callers queue for a slot (each slot holds a small visit set).</summary>
    public int SearchThreads { get; init; } = Math.Max(16, Environment.ProcessorCount * 4);

    public IEnumerable<string> Validate()
    {
        if (Connectivity is < 4 or > 128)
        {
            yield return $"Connectivity must be between 4 and 128 (was {Connectivity}).";
        }

        if (ExpansionAdd < 8)
        {
            yield return $"ExpansionAdd must be at least 8 (was {ExpansionAdd}).";
        }

        if (ExpansionSearch < 8)
        {
            yield return $"ExpansionSearch must be at least 8 (was {ExpansionSearch}).";
        }

        if (BuildThreads < 1 || SearchThreads < 1)
        {
            yield return "BuildThreads and SearchThreads must be at least 1.";
        }
    }

    internal ScalarKind ScalarKind => Storage switch
    {
        HnswStorage.F32 => ScalarKind.Float32,
        HnswStorage.F16 => ScalarKind.Float16,
        HnswStorage.I8 => ScalarKind.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(Storage), Storage, "Unknown storage."),
    };
}

/// <summary>Scalar type of the vectors stored in the graph.</summary>
public enum HnswStorage
{
    /// <summary>4 bytes a dimension, exact.</summary>
    F32,

    /// <summary>2 bytes a dimension; similarities differ from float32 by about 1e-3.</summary>
    F16,

    /// <summary>1 byte a dimension; the coarsest, for the largest catalogs.</summary>
    I8,
}

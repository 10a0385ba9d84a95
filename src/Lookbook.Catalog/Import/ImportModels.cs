using Lookbook.Catalog.Storage;

namespace Lookbook.Catalog.Import;

/// <summary>How an import behaves.</summary>
/// <param name="Prune">Delete products of this source that the source no longer lists.</param>
/// <param name="DecodeWorkers">Threads decoding and pre-processing images; 0 means one per core.</param>
public sealed record ImportOptions(bool Prune = false, int DecodeWorkers = 0);

/// <summary>Where an import stands; reported after each committed batch.</summary>
/// <param name="Processed">Entries dealt with so far (stored, unchanged or skipped).</param>
/// <param name="Total">Entries expected, when the source knows.</param>
public sealed record ImportProgress(int Processed, int? Total, int Embedded, int Unchanged, int Skipped);

/// <summary>The outcome of one import run.</summary>
public sealed record ImportResult(
    long RunId,
    string Source,
    ImportRunCounts Counts,
    IReadOnlyList<ImportIssue> Issues,
    int Embedded,
    TimeSpan Elapsed)
{
    /// <summary>True when some entries were skipped for a problem (the good ones are stored).</summary>
    public bool HasSkips => Counts.Skipped > 0;

    /// <summary>Images embedded per second of the whole run.</summary>
    public double EmbeddedPerSecond => Elapsed.TotalSeconds > 0 ? Embedded / Elapsed.TotalSeconds : 0;
}

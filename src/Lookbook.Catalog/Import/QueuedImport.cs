using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;

namespace Lookbook.Catalog.Import;

/// <summary>
/// The coordinator of a distributed import: reads the source's entries (not its images: workers read those, from the
/// paths every silo can reach, or inline bytes queued with the entry), queues them in batches, and follows the run
/// until the workers have done every batch. Entries the source cannot give (and duplicate ids) are recorded here.
/// </summary>
public sealed class QueuedImport(CatalogDatabase database)
{
    /// <summary>Source entries per queued batch (what one worker does in one transaction).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>How often the coordinator looks at the run's progress.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Queues <paramref name="source"/>'s entries; returns the run's id and how many batches it has.</summary>
    public (long RunId, int Batches) Enqueue(ICatalogSource source, CancellationToken cancellationToken = default)
    {
        var runId = database.StartQueuedRun(source.Name);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var issues = new List<ImportIssue>();
        var batch = new List<SourceItem>(BatchSize);
        var batches = 0;
        foreach (var entry in source.ReadEntries())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Issue is { } issue)
            {
                issues.Add(issue);
            }
            else if (!seen.Add(entry.Item!.ProductId))
            {
                issues.Add(new ImportIssue(entry.Item.ProductId, "duplicate-id", $"Another entry of this source already has the id '{entry.Item.ProductId}'."));
            }
            else
            {
                batch.Add(entry.Item);
                if (batch.Count == BatchSize)
                {
                    database.EnqueueBatch(runId, ++batches, batch);
                    batch = new List<SourceItem>(BatchSize);
                }
            }
        }

        if (batch.Count > 0)
        {
            database.EnqueueBatch(runId, ++batches, batch);
        }

        database.SealRun(runId, batches, issues);
        return (runId, batches);
    }

    /// <summary>
    /// Queues the source and waits for the cluster's workers to do it; the result is the run's, as a single-process
    /// import reports it (issues included). Cancelling stops the waiting only: the queued batches are still done.
    /// </summary>
    public async Task<ImportResult> RunAsync(ICatalogSource source, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (runId, _) = Enqueue(source, cancellationToken);
        var total = source.CountHint;
        var done = await WaitAsync(runId, progress is null ? null : new InlineProgress<QueuedRunProgress>(p =>
        {
            var c = p.Counts;
            progress.Report(new ImportProgress(c.Added + c.Updated + c.Unchanged + c.Skipped, total, c.Added + c.Updated, c.Unchanged, c.Skipped));
        }), cancellationToken).ConfigureAwait(false);
        return new ImportResult(runId, source.Name, done.Counts, database.GetRunIssues(runId), done.Counts.Added + done.Counts.Updated, clock.Elapsed);
    }

    /// <summary>Waits until every batch of the run is done, reporting progress; returns the finished run's counts.</summary>
    public async Task<QueuedRunProgress> WaitAsync(long runId, IProgress<QueuedRunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var state = database.TryFinishQueuedRun(runId) ?? throw new InvalidOperationException($"Import run {runId} is not in the catalog.");
            progress?.Report(state);
            if (state.Status != "queued")
            {
                return state;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}

using Lookbook.Catalog.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lookbook.Catalog.Import;

/// <summary>
/// Imports a catalog source into the database: new and changed images are embedded in batches and
/// committed batch by batch; unchanged ones (same image hash, vector present) cost only a hash; bad
/// entries are recorded and skipped. Re-running after a crash picks up where the last commit left off.
/// </summary>
public sealed class CatalogImporter(
    CatalogDatabase database, IImageEmbedder embedder, ILogger<CatalogImporter>? logger = null, IOptions<EmbeddingOptions>? options = null)
{
    private const int MetadataFlushSize = 500;
    private const int ReportEvery = 256;
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public async Task<ImportResult> ImportAsync(
        ICatalogSource source,
        ImportOptions options,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        database.EnsureEmbeddingProfile(embedder.Profile);
        var states = database.GetItemStates(cancellationToken);
        var runId = database.StartRun(source.Name);
        var run = new RunState(source.CountHint, progress);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _logger.LogInformation("Import run {RunId} of {Source} started; {Known} products already stored", runId, source.Name, states.Count);

        try
        {
            var pipeline = new EmbeddingPipeline(embedder, Math.Max(1, BatchSize), ResolveWorkers(options.DecodeWorkers));
            await pipeline.RunAsync(
                Jobs(source, states, seen, run, cancellationToken),
                batch => Commit(source.Name, batch, run),
                (job, error) => run.Skip(new ImportIssue(job.Item.ProductId, ProblemName(error.Problem), error.Message)),
                cancellationToken).ConfigureAwait(false);

            var removed = 0;
            if (options.Prune)
            {
                var gone = states.Where(s => s.Value.Source == source.Name && !seen.Contains(s.Key)).Select(s => s.Key).ToList();
                removed = database.DeleteProducts(gone, cancellationToken);
            }

            var result = Finish(runId, source.Name, run, removed, "completed", clock.Elapsed);
            _logger.LogInformation(
                "Import run {RunId} completed in {Elapsed}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Skipped} skipped, {Removed} removed",
                runId, clock.Elapsed, result.Counts.Added, result.Counts.Updated, result.Counts.Unchanged, result.Counts.Skipped, removed);
            return result;
        }
        catch (OperationCanceledException)
        {
            Finish(runId, source.Name, run, 0, "cancelled", clock.Elapsed);
            throw;
        }
        catch
        {
            Finish(runId, source.Name, run, 0, "failed", clock.Elapsed);
            throw;
        }
    }

    private IEnumerable<PendingImage<Job>> Jobs(
        ICatalogSource source,
        Dictionary<string, StoredItemState> states,
        HashSet<string> seen,
        RunState run,
        CancellationToken cancellationToken)
    {
        var metadataUpdates = new List<ProductMetadata>();
        foreach (var entry in source.ReadEntries())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Issue is { } issue)
            {
                run.Skip(issue);
                continue;
            }

            var item = entry.Item!;
            if (!seen.Add(item.ProductId))
            {
                run.Skip(new ImportIssue(item.ProductId, "duplicate-id", $"Another entry of this source already has the id '{item.ProductId}'."));
                continue;
            }

            var bytes = ImportChange.ReadImage(item, embedder.Preparer.Limits.MaxBytes, out var unreadable);
            if (bytes is null)
            {
                run.Skip(unreadable!);
                continue;
            }

            var state = states.GetValueOrDefault(item.ProductId);
            var (change, imageHash, metadataHash) = ImportChange.Of(item, bytes, state, source.Name);
            if (change == ImportChangeKind.Unchanged)
            {
                run.Unchanged();
                continue;
            }

            if (change == ImportChangeKind.Metadata)
            {
                metadataUpdates.Add(new ProductMetadata(item.ProductId, source.Name, item.Title, item.Category, item.Attributes, metadataHash));
                if (metadataUpdates.Count >= MetadataFlushSize)
                {
                    FlushMetadata(metadataUpdates, run);
                }

                continue;
            }

            yield return new PendingImage<Job>(new Job(item, imageHash, metadataHash, IsNew: state is null), bytes);
        }

        FlushMetadata(metadataUpdates, run);
    }

    private void FlushMetadata(List<ProductMetadata> updates, RunState run)
    {
        database.UpdateMetadata(updates);
        run.Updated(updates.Count);
        updates.Clear();
    }

    private void Commit(string source, IReadOnlyList<EmbeddedImage<Job>> batch, RunState run)
    {
        database.SaveProducts(batch.Select(b => (ToRecord(source, b), (float[]?)b.Vector)).ToList());
        run.Embedded(batch.Count(b => b.Tag.IsNew), batch.Count(b => !b.Tag.IsNew));
    }

    private static ProductRecord ToRecord(string source, EmbeddedImage<Job> embedded) =>
        ToRecord(source, embedded.Tag.Item, embedded.Tag.ImageHash, embedded.Tag.MetadataHash, embedded.Header);

    /// <summary>The product row of an embedded source entry.</summary>
    internal static ProductRecord ToRecord(string source, SourceItem item, string imageHash, string metadataHash, ImageHeader header) =>
        new(item.ProductId, source, item.Title, item.Category, item.Attributes, metadataHash, imageHash,
            item.ImagePath, item.ImageBytes, header.Format, header.Width, header.Height);

    private ImportResult Finish(long runId, string source, RunState run, int removed, string status, TimeSpan elapsed)
    {
        var issues = run.Issues.ToList();
        var counts = run.Counts(removed);
        database.RecordIssues(runId, issues);
        database.FinishRun(runId, status, counts);
        return new ImportResult(runId, source, counts, issues, run.EmbeddedCount, elapsed);
    }

    public static string ProblemName(ImageProblem problem) => problem switch
    {
        ImageProblem.Empty => "empty",
        ImageProblem.NotAnImage => "not-an-image",
        ImageProblem.Truncated => "truncated",
        ImageProblem.Corrupt => "corrupt",
        ImageProblem.TooLarge => "too-large",
        ImageProblem.RegionTooSmall => "region-too-small",
        _ => problem.ToString(),
    };

    /// <summary>Images per model call; set from <see cref="EmbeddingOptions.BatchSize"/> by the host.</summary>
    public int BatchSize { get; init; } = options?.Value.BatchSize ?? 32;

    private static int ResolveWorkers(int configured) => configured > 0 ? configured : Math.Max(1, Environment.ProcessorCount - 1);

    private sealed record Job(SourceItem Item, string ImageHash, string MetadataHash, bool IsNew);

    /// <summary>Counters shared by the producer, the decoders and the committing thread.</summary>
    private sealed class RunState(int? total, IProgress<ImportProgress>? progress)
    {
        private int _added;
        private int _updated;
        private int _unchanged;
        private int _skipped;
        private int _embedded;
        private int _sinceReport;

        public ConcurrentQueue<ImportIssue> Issues { get; } = new();

        /// <summary>Images that went through the model (metadata-only updates do not).</summary>
        public int EmbeddedCount => Volatile.Read(ref _embedded);

        public void Skip(ImportIssue issue)
        {
            Issues.Enqueue(issue);
            Interlocked.Increment(ref _skipped);
            LookbookTelemetry.ImportedImages.Add(1, new KeyValuePair<string, object?>("outcome", "skipped"));
            MaybeReport();
        }

        public void Unchanged()
        {
            Interlocked.Increment(ref _unchanged);
            LookbookTelemetry.ImportedImages.Add(1, new KeyValuePair<string, object?>("outcome", "unchanged"));
            MaybeReport();
        }

        public void Updated(int count)
        {
            Interlocked.Add(ref _updated, count);
            MaybeReport();
        }

        public void Embedded(int added, int updated)
        {
            Interlocked.Add(ref _added, added);
            Interlocked.Add(ref _updated, updated);
            Interlocked.Add(ref _embedded, added + updated);
            LookbookTelemetry.ImportedImages.Add(added + updated, new KeyValuePair<string, object?>("outcome", "embedded"));
            Report();
        }

        public ImportRunCounts Counts(int removed) => new(_added, _updated, _unchanged, _skipped, removed);

        private void MaybeReport()
        {
            if (Interlocked.Increment(ref _sinceReport) % ReportEvery == 0)
            {
                Report();
            }
        }

        private void Report()
        {
            var embedded = Volatile.Read(ref _embedded);
            var stored = Volatile.Read(ref _added) + Volatile.Read(ref _updated);
            var unchanged = Volatile.Read(ref _unchanged);
            var skipped = Volatile.Read(ref _skipped);
            progress?.Report(new ImportProgress(stored + unchanged + skipped, total, embedded, unchanged, skipped));
        }
    }
}

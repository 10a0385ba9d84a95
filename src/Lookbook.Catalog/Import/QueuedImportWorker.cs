using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Catalog.Telemetry;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lookbook.Catalog.Import;

/// <summary>
/// One worker of a distributed import: takes a batch from the catalog's import queue, decides per entry what it costs
/// (as a single-process import does), embeds what must be, and writes the batch's products and its completion in the
/// transaction that holds the batch. Every silo of a cluster runs one.
/// </summary>
public sealed class QueuedImportWorker(CatalogDatabase database, IImageEmbedder embedder, string name, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Images per model call.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Threads decoding images while the model runs.</summary>
    public int DecodeWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Does one batch; false when none was waiting. Throws <see cref="EmbeddingMismatchException"/> (the batch stays queued) when this worker's model is not the catalog's.</summary>
    public async Task<bool> TryRunOneAsync(CancellationToken cancellationToken)
    {
        using var lease = database.TryTakeImportBatch(name);
        if (lease is null)
        {
            return false;
        }

        database.EnsureEmbeddingProfile(embedder.Profile);
        var issues = new List<ImportIssue>();
        var metadata = new List<ProductMetadata>();
        var jobs = new List<PendingImage<Job>>();
        var unchanged = 0;
        foreach (var item in lease.Items)
        {
            var bytes = ImportChange.ReadImage(item, embedder.Preparer.Limits.MaxBytes, out var unreadable);
            if (bytes is null)
            {
                issues.Add(unreadable!);
                continue;
            }

            var state = lease.States.GetValueOrDefault(item.ProductId);
            var (change, imageHash, metadataHash) = ImportChange.Of(item, bytes, state, lease.Source);
            switch (change)
            {
                case ImportChangeKind.Unchanged:
                    unchanged++;
                    break;
                case ImportChangeKind.Metadata:
                    metadata.Add(new ProductMetadata(item.ProductId, lease.Source, item.Title, item.Category, item.Attributes, metadataHash));
                    break;
                default:
                    jobs.Add(new PendingImage<Job>(new Job(item, imageHash, metadataHash, IsNew: state is null), bytes));
                    break;
            }
        }

        var embedded = new List<EmbeddedImage<Job>>(jobs.Count);
        await new EmbeddingPipeline(embedder, BatchSize, DecodeWorkers).RunAsync(
            jobs,
            embedded.AddRange,
            (job, error) =>
            {
                lock (issues)
                {
                    issues.Add(new ImportIssue(job.Item.ProductId, CatalogImporter.ProblemName(error.Problem), error.Message));
                }
            },
            cancellationToken).ConfigureAwait(false);

        var products = embedded.Select(e => (CatalogImporter.ToRecord(lease.Source, e.Tag.Item, e.Tag.ImageHash, e.Tag.MetadataHash, e.Header), (float[]?)e.Vector)).ToList();
        var added = embedded.Count(e => e.Tag.IsNew);
        var counts = new ImportRunCounts(added, embedded.Count - added + metadata.Count, unchanged, issues.Count, 0);
        lease.Complete(new QueuedBatchResult(products, metadata, counts, issues));
        LookbookTelemetry.ImportedImages.Add(embedded.Count, new KeyValuePair<string, object?>("outcome", "embedded"));
        _logger.LogInformation(
            "Import run {RunId} batch {Batch} done by {Worker}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Skipped} skipped",
            lease.RunId, lease.BatchNo, name, counts.Added, counts.Updated, counts.Unchanged, counts.Skipped);
        return true;
    }

    private sealed record Job(SourceItem Item, string ImageHash, string MetadataHash, bool IsNew);
}

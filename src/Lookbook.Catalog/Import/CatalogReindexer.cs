using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Options;

namespace Lookbook.Catalog.Import;

/// <summary>
/// Re-embeds stored products with the configured model, e.g. after changing the layer or input size.
/// Vectors are dropped once, then products without a vector are embedded batch by batch, so an
/// interrupted re-index resumes where it stopped.
/// </summary>
public sealed class CatalogReindexer(CatalogDatabase database, IImageEmbedder embedder, IOptions<EmbeddingOptions>? options = null)
{
    /// <summary>Images per model call.</summary>
    public int BatchSize { get; init; } = options?.Value.BatchSize ?? 32;

    /// <param name="force">Re-embed everything even when the configuration did not change.</param>
    public async Task<ImportResult> ReindexAsync(bool force, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var configured = embedder.Profile;
        if (force || database.GetEmbeddingProfile()?.Fingerprint != configured.Fingerprint)
        {
            database.ResetEmbeddings(configured);
        }

        var runId = database.StartRun("reindex");
        var total = database.CountProductsWithoutVectors();
        var issues = new System.Collections.Concurrent.ConcurrentQueue<ImportIssue>();
        var embedded = 0;
        var status = "failed";
        try
        {
            var pipeline = new EmbeddingPipeline(embedder, Math.Max(1, BatchSize), Environment.ProcessorCount);
            await pipeline.RunAsync(
                Jobs(issues, cancellationToken),
                batch =>
                {
                    database.SaveVectors(batch.Select(b => (b.Tag, b.Vector)).ToList());
                    embedded += batch.Count;
                    progress?.Report(new ImportProgress(embedded + issues.Count, total, embedded, 0, issues.Count));
                },
                (id, error) => issues.Enqueue(new ImportIssue(id, CatalogImporter.ProblemName(error.Problem), error.Message)),
                cancellationToken).ConfigureAwait(false);
            status = "completed";
        }
        catch (OperationCanceledException)
        {
            status = "cancelled";
            throw;
        }
        finally
        {
            var counts = new ImportRunCounts(0, embedded, 0, issues.Count, 0);
            database.RecordIssues(runId, issues.ToList());
            database.FinishRun(runId, status, counts);
        }

        return new ImportResult(runId, "reindex", new ImportRunCounts(0, embedded, 0, issues.Count, 0), issues.ToList(), embedded, clock.Elapsed);
    }

    private IEnumerable<PendingImage<string>> Jobs(System.Collections.Concurrent.ConcurrentQueue<ImportIssue> issues, CancellationToken cancellationToken)
    {
        foreach (var image in database.ReadImagesWithoutVectors(cancellationToken))
        {
            byte[]? bytes = image.Bytes;
            if (bytes is null)
            {
                try
                {
                    bytes = File.ReadAllBytes(image.Path!);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    issues.Enqueue(new ImportIssue(image.ProductId, "unreadable", $"{image.Path}: {e.Message}"));
                    continue;
                }
            }

            yield return new PendingImage<string>(image.ProductId, bytes);
        }
    }
}

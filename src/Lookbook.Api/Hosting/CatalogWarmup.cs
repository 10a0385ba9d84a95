using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SkiaSharp;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Loads the model and the catalog before the server takes requests, so a missing model or a catalog
/// indexed with another configuration stops the start with a clear message instead of failing the first
/// search, and the first shopper does not wait for the load.
/// </summary>
internal sealed class CatalogWarmup(IImageEmbedder embedder, SearchableCatalogProvider catalogs, PhotoSearch search, ILogger<CatalogWarmup> logger)
    : IHostedService, IHealthCheck
{
    private volatile bool _ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return Task.CompletedTask; // warmed up before the host started (LookbookWebApp.WarmUpAsync)
        }

        logger.LogInformation("Model ready: {Model}", embedder.Profile.Description);
        if (embedder.LooksApart)
        {
            // The int8 look's session is made (and run once) now, not on the first shopper's photo.
            using var bitmap = new SKBitmap(embedder.Preparer.InputSize, embedder.Preparer.InputSize);
            using var blank = embedder.Preparer.Prepare(bitmap);
            embedder.Look([blank]);
        }

        try
        {
            using var lease = catalogs.Acquire();
            search.EnsureCompatible(lease.Catalog);
            logger.LogInformation("Catalog ready: {Products} indexed products, {Index} index", lease.Catalog.Count,
                lease.Catalog.IsApproximate ? "approximate (HNSW)" : "exact");
            if (catalogs.LastUpdate is { } update)
            {
                logger.LogInformation("Approximate index {Action} in {ElapsedMs} ms: {Added} vectors added, {Removed} removed since it was saved",
                    update.Rebuilt ? "built" : "brought up to date", (long)update.Elapsed.TotalMilliseconds, update.Added, update.Removed);
            }
        }
        catch (CatalogEmptyException)
        {
            logger.LogWarning("The catalog is empty: searches answer 503 until products are imported (lookbook import ...)");
        }

        _ready = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ready once the model and the catalog are loaded; the data say what is served (products, index kind).</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_ready)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("still loading"));
        }

        var state = catalogs.Loaded;
        var data = new Dictionary<string, object>
        {
            ["products"] = state?.Products ?? 0,
            ["index"] = state?.IndexKind ?? "none (catalog empty)",
            ["model"] = embedder.Profile.Description,
        };
        if (state?.LastUpdate is { } update)
        {
            data["indexUpdate"] = $"{(update.Rebuilt ? "built" : "brought up to date")} in {(long)update.Elapsed.TotalMilliseconds} ms: {update.Added} added, {update.Removed} removed";
        }

        return Task.FromResult(HealthCheckResult.Healthy(state is null ? "model loaded; catalog empty" : "model and catalog loaded", data));
    }

    /// <summary>/health/ready as JSON: the status, and what the catalog check reports (products, index kind, model).</summary>
    public static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var entries = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data });
        return context.Response.WriteAsJsonAsync(new { status = report.Status.ToString(), checks = entries });
    }
}

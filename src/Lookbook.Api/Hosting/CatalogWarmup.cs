using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
        logger.LogInformation("Model ready: {Model}", embedder.Profile.Description);
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

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy("model and catalog loaded") : HealthCheckResult.Unhealthy("still loading"));
}

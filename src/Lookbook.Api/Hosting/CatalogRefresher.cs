using Lookbook.Search;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Lets a running server see catalog changes made by other processes (an import or reindex from the command line):
/// every <see cref="SearchOptions.RefreshInterval"/> it compares the store's revision with the catalog's and catches up.
/// A refresh that fails (the file busy, a damaged head) is logged and tried again on the next tick; searches go on
/// with the catalog they have.
/// </summary>
internal sealed class CatalogRefresher(SearchableCatalogProvider catalogs, IOptions<SearchOptions> options, ILogger<CatalogRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RefreshInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                // The build runs on a pool thread; the refresh lock keeps it from overlapping a reload.
                var refresh = await Task.Run(() => catalogs.Refresh(cancellationToken: stoppingToken), stoppingToken).ConfigureAwait(false);
                if (refresh != CatalogRefresh.Unchanged)
                {
                    logger.LogInformation("Catalog change seen: {Refresh}", refresh);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Expected trouble (a busy or damaged file) repeats every tick: one line each time, not a stack trace.
                logger.LogWarning("Could not catch up with the catalog ({Problem}); trying again in {Interval}", e.Message, interval);
            }
        }
    }
}

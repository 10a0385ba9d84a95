using Lookbook.Search;
using Microsoft.Extensions.Options;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Lets a running server see catalog changes made by other processes (an import or reindex from the command line):
/// every <see cref="SearchOptions.RefreshInterval"/>, or at once when asked (<see cref="SearchableCatalogProvider.RequestRefresh"/>),
/// it compares the store's revision with the catalog's and catches up.
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

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await NextTurnAsync(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

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

    /// <summary>Waits for the next tick, or less when someone asked for a refresh (a delete through the API).</summary>
    private async Task NextTurnAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var tick = Task.Delay(interval, turn.Token);
        var requested = catalogs.WaitForRefreshRequestAsync(turn.Token);
        await Task.WhenAny(tick, requested).ConfigureAwait(false);
        await turn.CancelAsync().ConfigureAwait(false); // the loser must not consume a later request
        stoppingToken.ThrowIfCancellationRequested();
    }
}

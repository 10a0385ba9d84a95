using Lookbook.Catalog.Import;
using Lookbook.Catalog.Storage;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookbook.Cluster;

/// <summary>
/// A silo's share of distributed imports (<c>lookbook import ... --cluster</c>): takes batches from the catalog's
/// import queue while there are any, else looks again after <see cref="ClusterOptions.ImportPollInterval"/>. The model
/// is loaded at the first batch, at the input size the catalog's vectors are made at. Stopping the silo mid-batch
/// puts the batch back (its transaction rolls back), as does a crash.
/// </summary>
internal sealed partial class ImportWorkerService(
    CatalogDatabase database, IConfiguration configuration, IOptions<ClusterOptions> cluster, ILogger<ImportWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OnnxImageEmbedder? embedder = null;
        var name = $"{Environment.MachineName}:{cluster.Value.SiloPort}";
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (database.GetEmbeddingProfile() is { } profile)
                    {
                        embedder ??= Embedder(profile.InputSize);
                        if (await new QueuedImportWorker(database, embedder, name, logger).TryRunOneAsync(stoppingToken).ConfigureAwait(false))
                        {
                            continue;
                        }
                    }
                }
                catch (EmbeddingMismatchException e)
                {
                    // This silo's model is not the catalog's: its vectors would not be comparable. Others may do the work.
                    LogMismatch(logger, e.Message);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e); // the store unreachable, say: the batch went back; try again shortly
                }

                await Task.Delay(cluster.Value.ImportPollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
        finally
        {
            embedder?.Dispose();
        }
    }

    private OnnxImageEmbedder Embedder(int inputSize)
    {
        var options = configuration.GetSection(EmbeddingOptions.SectionName).Get<EmbeddingOptions>() ?? new EmbeddingOptions();
        if (inputSize > 0)
        {
            options.Preprocessing.InputSize = inputSize;
        }

        return new OnnxImageEmbedder(options);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "This silo takes no import batches: {Reason}")]
    private static partial void LogMismatch(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An import batch failed and went back to the queue")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using Lookbook.Catalog.Telemetry;
using System.Threading.Channels;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Search;

/// <summary>
/// Embeds photos from concurrent requests in shared batches. One loop owns the model: while it runs a batch, new
/// requests queue, and the next run takes all of them at once (up to <see cref="MaxBatch"/>). A lone request never
/// waits for company, so latency at low load is that of batch 1, and under load the model runs at its more
/// efficient larger batches instead of several single-image runs fighting over the same cores.
/// </summary>
public sealed class EmbeddingBatcher : IDisposable
{
    private readonly IImageEmbedder _embedder;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private long _batches;
    private long _images;

    public EmbeddingBatcher(IImageEmbedder embedder, int maxBatch = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _embedder = embedder;
        MaxBatch = maxBatch;
        _ = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public int MaxBatch { get; }

    /// <summary>Batches run so far and images embedded in them (their ratio is the average batch size).</summary>
    public (long Batches, long Images) Counts => (Interlocked.Read(ref _batches), Interlocked.Read(ref _images));

    /// <summary>
    /// The vector of <paramref name="image"/> and the feature map it was pooled from. The image must stay undisposed until the task completes: a request
    /// cancelled while its batch runs still waits the few milliseconds until the model is done with its pixels.
    /// </summary>
    public Task<EmbeddedImage> EmbedAsync(PreparedImage image, CancellationToken cancellationToken = default) => EmbedAsync(image, look: false, cancellationToken);

    /// <summary><see cref="EmbedAsync(PreparedImage, CancellationToken)"/>; <paramref name="look"/>: a first look by the int8 copy of the model (<see cref="IImageEmbedder.Look"/>).</summary>
    public Task<EmbeddedImage> EmbedAsync(PreparedImage image, bool look, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(image, look, new TaskCompletionSource<EmbeddedImage>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The embedding queue is closed.");
        }

        return pending.Result.Task;
    }

    /// <summary>Stops the loop once the queued requests are served; later requests are refused.</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                if (pending.Cancellation.IsCancellationRequested)
                {
                    pending.Result.TrySetCanceled(pending.Cancellation); // a request that gave up is not worth a slot
                }
                else
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            // First looks and searched images run apart when an int8 copy of the model looks.
            foreach (var looks in batch.GroupBy(p => p.Look && _embedder.LooksApart))
            {
                var group = looks.ToList();
                try
                {
                    LookbookTelemetry.BatchSize.Record(group.Count);
                    var images = group.Select(p => p.Image).ToList();
                    var embedded = looks.Key ? _embedder.Look(images) : _embedder.EmbedWithMaps(images);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Result.TrySetResult(embedded[i]);
                    }
                }
                catch (Exception e)
                {
                    // The failure belongs to the waiting requests; the loop lives on for the next ones.
                    group.ForEach(p => p.Result.TrySetException(e));
                }

                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _images, group.Count);
            }
        }
    }

    private sealed record Pending(PreparedImage Image, bool Look, TaskCompletionSource<EmbeddedImage> Result, CancellationToken Cancellation);
}

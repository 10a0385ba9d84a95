using System.Threading.Channels;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Catalog.Import;

/// <summary>An image waiting to be embedded; <typeparamref name="T"/> is whatever the caller needs back.</summary>
public sealed record PendingImage<T>(T Tag, byte[] Bytes);

/// <summary>An embedded image: its vector and what its header said.</summary>
public sealed record EmbeddedImage<T>(T Tag, float[] Vector, ImageHeader Header);

/// <summary>
/// Bytes in, vectors out: decoding and pre-processing run on worker threads while the previous batch
/// is in the model, so the CPU-heavy steps overlap. Bounded channels keep memory flat however large
/// the catalog is.
/// </summary>
internal sealed class EmbeddingPipeline(IImageEmbedder embedder, int batchSize, int decodeWorkers)
{
    /// <param name="jobs">Produced on a background thread, so a source may block on file I/O.</param>
    /// <param name="commit">Called with each embedded batch, in order, on a commit task of its own.</param>
    /// <param name="reject">Called (from a worker) for each image that cannot be decoded.</param>
    public async Task RunAsync<T>(
        IEnumerable<PendingImage<T>> jobs,
        Action<IReadOnlyList<EmbeddedImage<T>>> commit,
        Action<T, ImageRejectedException> reject,
        CancellationToken cancellationToken)
    {
        // Stops the producer and decoders if the consumer fails, so nothing is left blocked on a full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellationToken = stop.Token;
        var pending = Channel.CreateBounded<PendingImage<T>>(new BoundedChannelOptions(batchSize * 4) { SingleWriter = true });
        var prepared = Channel.CreateBounded<(T Tag, PreparedImage Image, ImageHeader Header)>(
            new BoundedChannelOptions(batchSize * 2) { SingleReader = true });

        var produce = Task.Run(async () =>
        {
            try
            {
                foreach (var job in jobs)
                {
                    await pending.Writer.WriteAsync(job, cancellationToken).ConfigureAwait(false);
                }

                pending.Writer.Complete();
            }
            catch (Exception e)
            {
                pending.Writer.Complete(e);
                throw;
            }
        }, cancellationToken);

        var decoders = Enumerable.Range(0, Math.Max(1, decodeWorkers)).Select(_ => Task.Run(async () =>
        {
            await foreach (var job in pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                PreparedImage image;
                ImageHeader header;
                try
                {
                    header = ImageDecoder.ReadHeader(job.Bytes, embedder.Preparer.Limits);
                    image = embedder.Preparer.Prepare(job.Bytes);
                }
                catch (ImageRejectedException e)
                {
                    reject(job.Tag, e);
                    continue;
                }

                await prepared.Writer.WriteAsync((job.Tag, image, header), cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken)).ToArray();

        var decoding = Task.WhenAll(decoders).ContinueWith(
            t => prepared.Writer.Complete(t.Exception?.InnerException),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        // Commits run on their own task so the model never waits for SQLite.
        var embedded = Channel.CreateBounded<IReadOnlyList<EmbeddedImage<T>>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var committing = Task.Run(async () =>
        {
            await foreach (var done in embedded.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                commit(done);
            }
        }, cancellationToken);
        _ = committing.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

        var batch = new List<(T Tag, PreparedImage Image, ImageHeader Header)>(batchSize);
        try
        {
            while (await prepared.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (batch.Count < batchSize && prepared.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                // Wait for a full batch unless the decoders are finished: small batches waste the model's time.
                if (batch.Count < batchSize && !prepared.Reader.Completion.IsCompleted)
                {
                    continue;
                }

                await embedded.Writer.WriteAsync(Embed(batch), cancellationToken).ConfigureAwait(false);
            }

            if (batch.Count > 0)
            {
                await embedded.Writer.WriteAsync(Embed(batch), cancellationToken).ConfigureAwait(false);
            }

            embedded.Writer.Complete();
            await Task.WhenAll(produce, decoding, committing).ConfigureAwait(false);
            await prepared.Reader.Completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (committing.IsFaulted)
        {
            // The cancellation came from a failed commit: report what failed, not the cancellation.
            await committing.ConfigureAwait(false);
            throw;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var (_, image, _) in batch)
            {
                image.Dispose();
            }

            while (prepared.Reader.TryRead(out var left))
            {
                left.Image.Dispose();
            }
        }
    }

    private List<EmbeddedImage<T>> Embed<T>(List<(T Tag, PreparedImage Image, ImageHeader Header)> batch)
    {
        var vectors = embedder.Embed(batch.Select(b => b.Image).ToList());
        var embedded = batch.Select((b, i) => new EmbeddedImage<T>(b.Tag, vectors[i], b.Header)).ToList();
        foreach (var (_, image, _) in batch)
        {
            image.Dispose();
        }

        batch.Clear();
        return embedded;
    }
}

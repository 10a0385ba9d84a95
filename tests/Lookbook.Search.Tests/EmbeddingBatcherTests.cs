using Lookbook.Testing;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using SkiaSharp;

namespace Lookbook.Search.Tests;

public sealed class EmbeddingBatcherTests
{
    /// <summary>An embedder whose first run waits for a signal, so requests pile up behind it; it records batch sizes.</summary>
    private sealed class GatedEmbedder : IImageEmbedder
    {
        public SemaphoreSlim Gate { get; } = new(0);

        public SemaphoreSlim Started { get; } = new(0);

        public List<int> Batches { get; } = [];

        public Exception? FailWith { get; set; }

        public EmbeddingProfile Profile { get; } = new("gated test embedder", "0", [], 32, "test", ModelPrecision.Float32, null, null, 2);

        public ImagePreparer Preparer { get; } = new(new PreprocessingOptions { InputSize = 32 });

        public float[][] Embed(IReadOnlyList<PreparedImage> images)
        {
            lock (Batches)
            {
                Batches.Add(images.Count);
            }

            Started.Release();
            Gate.Wait();
            return FailWith is { } failure ? throw failure : images.Select(i => new[] { i.Planes[0], 1f }).ToArray();
        }

        public EmbeddedImage[] EmbedWithMaps(IReadOnlyList<PreparedImage> images) =>
            [.. Embed(images).Select(v => new EmbeddedImage(v, new FeatureMap(v.Length, 1, 1, v)))];

        public bool LooksApart { get; init; }

        /// <summary>A look is told from an embedding by its second value, -1.</summary>
        public EmbeddedImage[] Look(IReadOnlyList<PreparedImage> images) =>
            [.. EmbedWithMaps(images).Select(e => e with { Vector = [e.Vector[0], -1f] })];
    }

    private static PreparedImage Image(ImagePreparer preparer, byte shade) =>
        preparer.Prepare(TestImages.Solid(new SKColor(shade, shade, shade), 32, 32, SKEncodedImageFormat.Png));

    [Fact]
    public async Task Requests_that_arrive_during_a_run_share_the_next_one_and_get_their_own_vectors()
    {
        var embedder = new GatedEmbedder();
        var batcher = new EmbeddingBatcher(embedder, maxBatch: 4);
        var images = Enumerable.Range(0, 6).Select(i => Image(embedder.Preparer, (byte)(40 * i))).ToList();

        var first = batcher.EmbedAsync(images[0]);
        await embedder.Started.WaitAsync(); // the model is busy with the first photo...
        var queued = images.Skip(1).Select(i => batcher.EmbedAsync(i)).ToList(); // ...while five more arrive
        embedder.Gate.Release(3);

        var vectors = await Task.WhenAll(queued.Prepend(first));

        Assert.Equal([1, 4, 1], embedder.Batches);
        Assert.Equal(images.Select(i => i.Planes[0]), vectors.Select(v => v.Vector[0]));
        Assert.Equal((3L, 6L), batcher.Counts);
        images.ForEach(i => i.Dispose());
    }

    [Fact]
    public async Task First_looks_and_searched_images_queued_together_run_apart_when_an_int8_model_looks()
    {
        var embedder = new GatedEmbedder { LooksApart = true };
        var batcher = new EmbeddingBatcher(embedder, maxBatch: 8);
        var images = Enumerable.Range(0, 6).Select(i => Image(embedder.Preparer, (byte)(40 * i))).ToList();

        var first = batcher.EmbedAsync(images[0]);
        await embedder.Started.WaitAsync();
        var queued = images.Skip(1).Select((image, i) => batcher.EmbedAsync(image, look: i % 2 == 0)).ToList(); // looks: 1, 3, 5
        embedder.Gate.Release(3);
        var embedded = await Task.WhenAll(queued.Prepend(first));

        Assert.Equal([1, 2, 3], embedder.Batches.Order());
        Assert.Equal([1f, -1f, 1f, -1f, 1f, -1f], embedded.Select(e => e.Vector[1]));
        Assert.Equal(images.Select(i => i.Planes[0]), embedded.Select(e => e.Vector[0]));
        images.ForEach(i => i.Dispose());
    }

    [Fact]
    public async Task A_failed_run_fails_its_requests_and_the_next_run_works()
    {
        var embedder = new GatedEmbedder { FailWith = new InvalidOperationException("model exploded") };
        var batcher = new EmbeddingBatcher(embedder);
        using var image = Image(embedder.Preparer, 10);
        embedder.Gate.Release(2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.EmbedAsync(image));
        Assert.Equal("model exploded", error.Message);

        embedder.FailWith = null;
        Assert.Equal(2, (await batcher.EmbedAsync(image)).Vector.Length);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_is_dropped_from_the_batch()
    {
        var embedder = new GatedEmbedder();
        var batcher = new EmbeddingBatcher(embedder);
        var images = Enumerable.Range(0, 3).Select(i => Image(embedder.Preparer, (byte)i)).ToList();
        using var cancel = new CancellationTokenSource();

        var first = batcher.EmbedAsync(images[0]);
        await embedder.Started.WaitAsync();
        var cancelled = batcher.EmbedAsync(images[1], cancel.Token);
        var kept = batcher.EmbedAsync(images[2]);
        await cancel.CancelAsync();
        embedder.Gate.Release(2);

        await first;
        await kept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal([1, 1], embedder.Batches);
        images.ForEach(i => i.Dispose());
    }
}

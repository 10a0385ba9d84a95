using Lookbook.Catalog.Import;
using Lookbook.Testing;
using SkiaSharp;

namespace Lookbook.Catalog.Tests;

[Collection(ModelCollection.Name)]
public sealed class EmbeddingPipelineTests(EmbedderFixture model)
{
    private static IEnumerable<PendingImage<int>> Jobs(int count) =>
        Enumerable.Range(0, count).Select(i => new PendingImage<int>(i, TestImages.Solid(new SKColor((byte)i, 100, 200))));

    [Fact]
    public async Task Every_good_image_is_committed_once_in_order_and_bad_ones_rejected()
    {
        var committed = new List<int>();
        var rejected = new List<int>();
        var jobs = Jobs(23).Select(j => j.Tag % 10 == 3 ? j with { Bytes = [1, 2, 3] } : j);

        await new EmbeddingPipeline(model.Embedder, batchSize: 4, decodeWorkers: 1).RunAsync(
            jobs,
            batch => committed.AddRange(batch.Select(b => b.Tag)),
            (tag, _) => { lock (rejected) { rejected.Add(tag); } },
            CancellationToken.None);

        Assert.Equal([3, 13], rejected.Order());
        Assert.Equal(Enumerable.Range(0, 23).Except([3, 13]), committed);
    }

    [Fact]
    public async Task A_failing_commit_surfaces_its_own_error_and_nothing_hangs()
    {
        var batches = 0;
        var run = new EmbeddingPipeline(model.Embedder, batchSize: 2, decodeWorkers: 2).RunAsync(
            Jobs(200),
            _ =>
            {
                if (++batches == 2)
                {
                    throw new IOException("disk full");
                }
            },
            (_, _) => { },
            CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("disk full", error.Message);
    }

    [Fact]
    public async Task A_failing_source_surfaces_its_own_error()
    {
        static IEnumerable<PendingImage<int>> Broken()
        {
            yield return new PendingImage<int>(0, TestImages.Solid(SKColors.Red));
            throw new InvalidDataException("the CSV ended mid-row");
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new EmbeddingPipeline(model.Embedder, 4, 1)
            .RunAsync(Broken(), _ => { }, (_, _) => { }, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("the CSV ended mid-row", error.Message);
    }
}

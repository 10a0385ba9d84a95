using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Testing;
using SkiaSharp;

namespace Lookbook.Catalog.Tests;

[Collection(ModelCollection.Name)]
public sealed class FolderImportTests(EmbedderFixture model) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Shop => _temp.File("shop");

    private CatalogDatabase Database { get; } = CatalogDatabase.Open(Path.Combine(Path.GetTempPath(), "lookbook-tests", Guid.NewGuid().ToString("N"), "catalog.db"));

    private Task<ImportResult> Import(bool prune = false) =>
        new CatalogImporter(Database, model.Embedder) { BatchSize = 4 }.ImportAsync(new FolderSource(Shop), new ImportOptions(prune, DecodeWorkers: 2));

    private void WriteGoodCatalog()
    {
        _temp.Write("shop/dresses/navy-midi.jpg", TestImages.Shape(SKColors.White, SKColors.Navy, 300, 450, 1, SKEncodedImageFormat.Jpeg));
        _temp.Write("shop/dresses/red_maxi.png", TestImages.Shape(SKColors.White, SKColors.DarkRed, 200, 300, 2, SKEncodedImageFormat.Png));
        _temp.Write("shop/bags/tote.webp", TestImages.Shape(SKColors.Beige, SKColors.Brown, 256, 256, 3, SKEncodedImageFormat.Webp));
        _temp.Write("shop/bags/clutch.gif", File.ReadAllBytes(RepositoryPaths.Fixture("two-frames.gif")));
        _temp.Write("shop/shoes/sneaker.bmp", File.ReadAllBytes(RepositoryPaths.Fixture("green.bmp")));
        _temp.Write("shop/loose.jpg", TestImages.Noise(64, 64, 4));
        _temp.Write("shop/README.txt", "not an image, not a candidate"u8.ToArray());
    }

    private void WriteBadFiles()
    {
        _temp.Write("shop/bad/truncated.jpg", TestImages.Noise(256, 256, 5)[..5000]);
        _temp.Write("shop/bad/empty.png", []);
        _temp.Write("shop/bad/notes.jpg", "this is a text file with a .jpg name"u8.ToArray());
        _temp.Write("shop/bad/bomb.png", TestImages.PngHeaderClaiming(60_000, 60_000));
    }

    [Fact]
    public async Task Good_files_are_stored_and_bad_ones_reported_without_stopping_the_import()
    {
        WriteGoodCatalog();
        WriteBadFiles();

        var result = await Import();

        Assert.Equal(6, result.Counts.Added);
        Assert.Equal(4, result.Counts.Skipped);
        Assert.True(result.HasSkips);
        var problems = result.Issues.ToDictionary(i => i.Item, i => i.Problem);
        Assert.Equal("truncated", problems["bad/truncated"]);
        Assert.Equal("empty", problems["bad/empty"]);
        Assert.Equal("not-an-image", problems["bad/notes"]);
        Assert.Equal("too-large", problems["bad/bomb"]);
        Assert.Equal(result.Issues, Database.GetIssues(result.RunId));

        var stats = Database.GetStats();
        Assert.Equal(6, stats.Embedded);
        Assert.Equal(
            [new CategoryCount("bags", 2), new CategoryCount("dresses", 2), new CategoryCount("shoes", 1), new CategoryCount(FolderSource.Uncategorized, 1)],
            stats.Categories);
        var dress = Database.GetProduct("dresses/red_maxi")!;
        Assert.Equal(("red maxi", "dresses"), (dress.Title, dress.Category));
        Assert.Equal(Path.Combine(Shop, "dresses", "red_maxi.png"), Database.GetImage("dresses/red_maxi")!.Path);
    }

    [Fact]
    public async Task Rerunning_an_unchanged_catalog_does_no_inference()
    {
        WriteGoodCatalog();
        await Import();

        var again = await Import();

        Assert.Equal(0, again.Embedded);
        Assert.Equal((0, 0, 6), (again.Counts.Added, again.Counts.Updated, again.Counts.Unchanged));
    }

    [Fact]
    public async Task A_changed_image_is_re_embedded_and_a_fixed_bad_file_is_added()
    {
        WriteGoodCatalog();
        _temp.Write("shop/bad/truncated.jpg", TestImages.Noise(256, 256, 5)[..5000]);
        await Import();
        var before = Database.GetVector("dresses/navy-midi")!;

        _temp.Write("shop/dresses/navy-midi.jpg", TestImages.Noise(300, 450, 99));
        _temp.Write("shop/bad/truncated.jpg", TestImages.Noise(256, 256, 5));
        var again = await Import();

        Assert.Equal(2, again.Embedded);
        Assert.Equal((1, 1, 5, 0), (again.Counts.Added, again.Counts.Updated, again.Counts.Unchanged, again.Counts.Skipped));
        var after = Database.GetVector("dresses/navy-midi")!;
        Assert.True(before.Zip(after, (a, b) => a * b).Sum() < 0.99f, "the vector must follow the new image");
    }

    [Fact]
    public async Task A_file_that_went_bad_keeps_its_stored_product()
    {
        WriteGoodCatalog();
        await Import();
        var vector = Database.GetVector("bags/tote");

        _temp.Write("shop/bags/tote.webp", "overwritten by a broken sync"u8.ToArray());
        var again = await Import(prune: true);

        Assert.Equal("not-an-image", Assert.Single(again.Issues).Problem);
        Assert.NotNull(Database.GetProduct("bags/tote"));
        Assert.Equal(vector, Database.GetVector("bags/tote"));
        Assert.Equal(0, again.Counts.Removed);
    }

    [Fact]
    public async Task Removed_files_are_dropped_only_when_pruning()
    {
        WriteGoodCatalog();
        await Import();
        File.Delete(Path.Combine(Shop, "shoes", "sneaker.bmp"));

        var kept = await Import(prune: false);
        Assert.NotNull(Database.GetProduct("shoes/sneaker"));
        Assert.Equal(0, kept.Counts.Removed);

        var pruned = await Import(prune: true);
        Assert.Equal(1, pruned.Counts.Removed);
        Assert.Null(Database.GetProduct("shoes/sneaker"));
        Assert.Null(Database.GetVector("shoes/sneaker"));
        Assert.Equal(5, Database.GetStats().Products);
    }

    [Fact]
    public async Task Two_files_with_the_same_id_are_reported()
    {
        WriteGoodCatalog();
        _temp.Write("shop/dresses/navy-midi.png", TestImages.Solid(SKColors.Navy));

        var result = await Import();

        Assert.Equal("duplicate-id", Assert.Single(result.Issues).Problem);
        Assert.Equal(6, result.Counts.Added);
    }

    [Fact]
    public async Task A_cancelled_import_keeps_its_committed_batches_and_a_rerun_completes_it()
    {
        for (var i = 0; i < 40; i++)
        {
            _temp.Write($"shop/tops/top-{i:D2}.png", TestImages.Noise(96, 96, 100 + i, SKEncodedImageFormat.Png));
        }

        using var cancel = new CancellationTokenSource();
        var importer = new CatalogImporter(Database, model.Embedder) { BatchSize = 4 };
        var progress = new SynchronousProgress(p =>
        {
            if (p.Embedded >= 8)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            importer.ImportAsync(new FolderSource(Shop), new ImportOptions(), progress, cancel.Token));

        var committed = Database.GetStats().Embedded;
        Assert.InRange(committed, 8, 39);

        var rerun = await Import();
        Assert.Equal(40 - committed, rerun.Counts.Added);
        Assert.Equal(committed, rerun.Counts.Unchanged);
        Assert.Equal(40, Database.GetStats().Products);
        Assert.Equal(40, Database.GetStats().Embedded);
    }

    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

/// <summary>The input size follows the catalog when none is configured.</summary>
public sealed class CliInputSizeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_new_catalog_of_photos_gets_224_px_and_later_commands_follow_it()
    {
        for (var i = 0; i < 4; i++)
        {
            _temp.Write($"shop/dresses/d{i}.jpg", TestImages.Shape(SkiaSharp.SKColors.Beige, SkiaSharp.SKColors.Navy, 300, 400, i, SkiaSharp.SKEncodedImageFormat.Jpeg));
        }

        var db = _temp.File("photos.db");
        var import = await CliRun.RunAsync("import", "folder", _temp.File("shop"), "--db", db);
        Assert.True(import.ExitCode == ExitCodes.Success, import.ToString());

        var stats = await CliRun.RunAsync("stats", "--json", "--db", db);
        Assert.Contains("input=224", stats.Json.GetProperty("model").GetProperty("description").GetString());
        Assert.Equal(224, stats.Json.GetProperty("model").GetProperty("inputSize").GetInt32()); // a column of its own, not parsed from text
        var search = await CliRun.RunAsync("search", _temp.File("shop/dresses/d1.jpg"), "-k", "1", "--json", "--db", db); // no --input-size: follows the catalog
        Assert.True(search.ExitCode == ExitCodes.Success, search.ToString());
    }

    [Fact]
    public async Task Small_images_get_64_px_and_an_explicit_size_still_wins()
    {
        var small = _temp.File("small.db");
        Assert.Equal(ExitCodes.Success, (await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "20", "--db", small)).ExitCode);
        Assert.Contains("input=64", (await CliRun.RunAsync("stats", "--json", "--db", small)).Json.GetProperty("model").GetProperty("description").GetString());

        var explicitSize = _temp.File("explicit.db");
        Assert.Equal(ExitCodes.Success, (await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "20", "--input-size", "96", "--db", explicitSize)).ExitCode);
        Assert.Contains("input=96", (await CliRun.RunAsync("stats", "--json", "--db", explicitSize)).Json.GetProperty("model").GetProperty("description").GetString());
        var mismatch = await CliRun.RunAsync("search", Path.Combine(RepositoryPaths.Queries, "bag.png"), "--input-size", "64", "--db", explicitSize);
        Assert.Equal(ExitCodes.EmbeddingMismatch, mismatch.ExitCode);
    }
}

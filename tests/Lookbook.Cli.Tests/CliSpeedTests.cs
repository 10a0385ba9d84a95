using Lookbook.Cli.Output;
using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

/// <summary>The int8 backbone and the approximate index, end to end through the command line.</summary>
public sealed class CliSpeedTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Query(string name) => Path.Combine(RepositoryPaths.Queries, name);

    [Fact]
    public async Task Quantize_then_reindex_in_int8_and_search_with_it()
    {
        var db = _temp.File("catalog.db");
        Assert.Equal(ExitCodes.Success, (await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "200", "--db", db)).ExitCode);

        var quantize = await CliRun.RunAsync("quantize", "--images", "64", "--db", db);
        Assert.True(quantize.ExitCode == ExitCodes.Success, quantize.ToString());
        Assert.Contains("on 64 catalog images", quantize.Output);
        Assert.True(File.Exists(db + ".int8.json"));

        // The float32 vectors in the catalog are not int8 ones: searching in int8 asks for a re-index first.
        var mismatch = await CliRun.RunAsync("search", Query("sneaker.png"), "--precision", "int8", "--db", db);
        Assert.True(mismatch.ExitCode == ExitCodes.EmbeddingMismatch, mismatch.ToString());

        var reindex = await CliRun.RunAsync("reindex", "--precision", "int8", "--db", db);
        Assert.True(reindex.ExitCode == ExitCodes.Success, reindex.ToString());
        var search = await CliRun.RunAsync("search", Query("sneaker.png"), "-k", "5", "--json", "--precision", "int8", "--db", db);
        Assert.True(search.ExitCode == ExitCodes.Success, search.ToString());
        Assert.Contains("int8:", search.Json.GetProperty("model").GetString());
        Assert.True(search.Json.GetProperty("results").EnumerateArray().Count(r => r.GetProperty("category").GetString() == "Sneaker") >= 3, search.Output);
    }

    [Fact]
    public async Task Quantize_on_an_empty_catalog_and_a_bad_precision_are_clear_errors()
    {
        var db = _temp.File("empty.db");
        var empty = await CliRun.RunAsync("quantize", "--db", db);
        Assert.NotEqual(ExitCodes.Success, empty.ExitCode);
        Assert.Contains("no indexed products", empty.Error);

        var bad = await CliRun.RunAsync("stats", "--precision", "int4", "--db", db);
        Assert.Equal(ExitCodes.InvalidUsage, bad.ExitCode);
        Assert.Contains("int4", bad.Error);
    }

    [Fact]
    public async Task Stats_say_which_index_serves_searches()
    {
        var db = _temp.File("catalog.db");
        await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "120", "--db", db);

        var exact = await CliRun.RunAsync("stats", "--db", db);
        var approximate = await CliRun.RunAsync("stats", "--index", "approximate", "--db", db);

        Assert.Contains("Search index: exact", exact.Output);
        Assert.Contains("Search index: approximate (HNSW)", approximate.Output);
        Assert.True(File.Exists(db + ".hnsw"), approximate.ToString());
    }
}

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

using Lookbook.Cli.Output;
using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

/// <summary>The int8 backbone and the approximate index, end to end through the command line.</summary>
public sealed class CliPrecisionAndIndexTests : IDisposable
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
        var missing = await CliRun.RunAsync("quantize", "--db", db);
        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Contains("No catalog at", missing.Error);

        Directory.CreateDirectory(_temp.File("no-images"));
        await CliRun.RunAsync("import", "folder", _temp.File("no-images"), "--db", db);
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

using Lookbook.Cli.Output;
using Lookbook.Testing;
using SkiaSharp;

namespace Lookbook.Cli.Tests;

/// <summary>A catalog of 300 sample images imported once for the read-only command tests.</summary>
public sealed class SampleCatalogFixture : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();

    public string Database => Temp.File("catalog.db");

    public async Task InitializeAsync()
    {
        var run = await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "300", "--db", Database);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    public Task DisposeAsync()
    {
        Temp.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<SampleCatalogFixture>
{
    public const string Name = "cli";
}

[Collection(CliCollection.Name)]
public sealed class CliCommandTests(SampleCatalogFixture catalog)
{
    private string Db => catalog.Database;

    private static string Query(string name) => Path.Combine(RepositoryPaths.Queries, name);

    [Fact]
    public async Task Search_prints_the_top_k_as_json_mostly_of_the_photos_category()
    {
        var run = await CliRun.RunAsync("search", Query("sneaker.png"), "-k", "5", "--json", "--db", Db);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var results = run.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.True(results.Count(r => r.GetProperty("category").GetString() == "Sneaker") >= 3, run.Output);
        var similarities = results.Select(r => r.GetProperty("similarity").GetDouble()).ToList();
        Assert.Equal(similarities.OrderDescending(), similarities);
        Assert.Contains("resnet18.onnx", run.Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Search_as_a_table_shows_similarity_as_a_percentage()
    {
        var run = await CliRun.RunAsync("search", Query("trouser.png"), "-k", "3", "--db", Db);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Top 3 products like trouser.png", run.Output);
        Assert.Matches(@"\d+\.\d %", run.Output);
        Assert.Contains("Trouser", run.Output);
    }

    [Fact]
    public async Task Category_filter_returns_only_that_category()
    {
        var run = await CliRun.RunAsync("search", Query("sneaker.png"), "--category", "bag", "--json", "--db", Db);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var categories = run.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("category").GetString()).ToList();
        Assert.Equal(10, categories.Count);
        Assert.All(categories, c => Assert.Equal("Bag", c));
    }

    [Fact]
    public async Task A_category_no_product_has_is_an_error_listing_the_categories()
    {
        var run = await CliRun.RunAsync("search", Query("sneaker.png"), "--category", "Handbag", "--db", Db);

        Assert.Equal(ExitCodes.InvalidUsage, run.ExitCode);
        Assert.Contains("No product has the category 'Handbag'. Categories in this catalog: Ankle boot, Bag, Coat,", run.Error);
    }

    [Fact]
    public async Task Similar_finds_neighbours_of_a_product_but_not_the_product()
    {
        var run = await CliRun.RunAsync("similar", "fmnist-train-00001", "--json", "--db", Db);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var ids = run.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(10, ids.Count);
        Assert.DoesNotContain("fmnist-train-00001", ids);
    }

    [Fact]
    public async Task Stats_counts_categories_and_names_the_model()
    {
        var run = await CliRun.RunAsync("stats", "--json", "--db", Db);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(300, run.Json.GetProperty("products").GetInt32());
        Assert.Equal(300, run.Json.GetProperty("embedded").GetInt32());
        Assert.Equal(10, run.Json.GetProperty("categories").GetArrayLength());
        Assert.Equal(256, run.Json.GetProperty("model").GetProperty("dimension").GetInt32());
    }

    [Theory]
    [InlineData(ExitCodes.NotFound, "Photo not found", "search", "missing.png")]
    [InlineData(ExitCodes.NotFound, "No product with id 'nope'", "similar", "nope")]
    [InlineData(ExitCodes.InvalidUsage, "Required argument missing", "search")]
    [InlineData(ExitCodes.InvalidUsage, "k must be between 1 and 1000", "similar", "fmnist-train-00001", "-k", "0")]
    [InlineData(ExitCodes.InvalidUsage, "--attr must look like key:value (e.g. baseColour:Black); got 'colour'.", "similar", "fmnist-train-00001", "--attr", "colour")]
    [InlineData(ExitCodes.InvalidUsage, "No product has the attribute 'colour'. Attributes in this catalog: dataset, index, split.", "similar", "fmnist-train-00001", "--attr", "colour=Black")]
    [InlineData(ExitCodes.InvalidUsage, "No product has split 'tset'. Values in this catalog: train.", "similar", "fmnist-train-00001", "--attr", "split:tset")]
    [InlineData(ExitCodes.InvalidUsage, "Unrecognized command or argument 'frobnicate'", "frobnicate")]
    public async Task Errors_have_a_message_and_their_exit_code(int exitCode, string message, params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "--db", Db]);

        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_named_in_the_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("holiday.jpg", "Dear diary, today I bought a coat."u8.ToArray());

        var run = await CliRun.RunAsync("search", path, "--db", Db);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("holiday.jpg: The file is not a supported image", run.Error);
    }

    [Fact]
    public async Task A_different_model_configuration_is_refused_with_the_reindex_hint()
    {
        var run = await CliRun.RunAsync("search", Query("bag.png"), "--input-size", "96", "--db", Db);

        Assert.Equal(ExitCodes.EmbeddingMismatch, run.ExitCode);
        Assert.Contains("lookbook reindex", run.Error);
        Assert.Contains("input=96", run.Error);
    }
}

public sealed class CliImportTests
{
    [Fact]
    public async Task An_import_with_bad_files_reports_them_and_exits_with_the_skip_code()
    {
        using var temp = new TempDirectory();
        temp.Write("shop/dresses/a.png", TestImages.Shape(SKColors.White, SKColors.Navy, 80, 120, 1, SKEncodedImageFormat.Png));
        temp.Write("shop/dresses/b.jpg", TestImages.Noise(64, 64, 2)[..300]);
        var db = temp.File("shop.db");

        var run = await CliRun.RunAsync("import", "folder", temp.File("shop"), "--db", db);

        Assert.True(run.ExitCode == ExitCodes.CompletedWithSkips, run.ToString());
        Assert.Contains("1 added", run.Output);
        Assert.Contains("1 skipped", run.Output);
        Assert.Contains("dresses/b", run.Output);
        Assert.Contains("truncated", run.Output);

        var again = await CliRun.RunAsync("import", "folder", temp.File("shop"), "--json", "--db", db);
        Assert.Equal(1, again.Json.GetProperty("unchanged").GetInt32());
        Assert.Equal("truncated", again.Json.GetProperty("issues")[0].GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Reindex_moves_the_catalog_to_a_new_configuration()
    {
        using var temp = new TempDirectory();
        var db = temp.File("catalog.db");
        Assert.Equal(0, (await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "30", "--db", db)).ExitCode);

        var reindex = await CliRun.RunAsync("reindex", "--input-size", "96", "--json", "--db", db);
        Assert.True(reindex.ExitCode == ExitCodes.Success, reindex.ToString());
        Assert.Equal(30, reindex.Json.GetProperty("updated").GetInt32());

        var search = await CliRun.RunAsync("search", Path.Combine(RepositoryPaths.Queries, "coat.png"), "--input-size", "96", "--json", "--db", db);
        Assert.True(search.ExitCode == ExitCodes.Success, search.ToString());
        Assert.Contains("input=96", search.Json.GetProperty("model").GetString());
    }
}

using Lookbook.Cli.Output;
using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

public sealed class CliLearningTests
{
    [Fact]
    public async Task Train_then_search_predicts_and_evaluate_writes_a_report()
    {
        using var temp = new TempDirectory();
        var db = temp.File("catalog.db");
        Assert.Equal(0, (await CliRun.RunAsync("import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "500", "--db", db)).ExitCode);

        var train = await CliRun.RunAsync("train", "--augment", "0", "--epochs", "15", "--json", "--db", db);
        Assert.True(train.ExitCode == ExitCodes.Success, train.ToString());
        Assert.True(train.Json.GetProperty("metrics").GetProperty("validationAccuracy").GetDouble() > 0.6);
        Assert.True(File.Exists(db + ".head.json"));

        var search = await CliRun.RunAsync("search", Path.Combine(RepositoryPaths.Queries, "trouser.png"), "--json", "--db", db);
        Assert.Equal("Trouser", search.Json.GetProperty("prediction").GetProperty("category").GetString());

        var evaluate = await CliRun.RunAsync("evaluate", "--queries", RepositoryPaths.SampleCatalog, "--limit", "100", "--json", "--db", db);
        Assert.True(evaluate.ExitCode == ExitCodes.Success, evaluate.ToString());
        Assert.Equal(100, evaluate.Json.GetProperty("queries").GetInt32());
        Assert.Equal(4, evaluate.Json.GetProperty("retrieval").GetArrayLength());
        Assert.True(evaluate.Json.GetProperty("classification").GetProperty("accuracy").GetDouble() > 0.6);
        Assert.Contains("Lookbook evaluation", File.ReadAllText(db + ".report.html"));
    }

    [Fact]
    public async Task Training_a_catalog_of_one_category_explains_why_it_cannot()
    {
        using var temp = new TempDirectory();
        temp.Write("shop/dresses/a.png", TestImages.Solid(SkiaSharp.SKColors.Navy, 40, 60));
        temp.Write("shop/dresses/b.png", TestImages.Solid(SkiaSharp.SKColors.Red, 40, 60));
        var db = temp.File("shop.db");
        await CliRun.RunAsync("import", "folder", temp.File("shop"), "--db", db);

        var train = await CliRun.RunAsync("train", "--db", db);

        Assert.Equal(ExitCodes.Failure, train.ExitCode);
        Assert.Contains("at least two categories", train.Error);
    }
}

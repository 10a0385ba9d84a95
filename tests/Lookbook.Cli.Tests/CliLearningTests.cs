using Lookbook.Cli.Output;
using Lookbook.Testing;
using Lookbook.Vision.Synthesis;

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
    public async Task Training_a_224_px_catalog_calibrates_the_int8_first_look_once_and_searches_use_it()
    {
        using var temp = new TempDirectory();
        var csv = ColourCatalog.Write(temp.File("shop"), perKindAndColour: 5);
        var db = temp.File("catalog.db");
        Assert.Equal(ExitCodes.Success, (await CliRun.RunAsync("import", "csv", csv, "--input-size", "224", "--db", db)).ExitCode);
        string[] quick = ["train", "--augment", "0", "--shopper-views", "1", "--no-product", "0", "--projection-epochs", "0", "--epochs", "5", "--db", db];

        var train = await CliRun.RunAsync(quick);
        Assert.True(train.ExitCode == ExitCodes.Success, train.ToString());
        Assert.Contains("Localization:", train.Output);
        Assert.Contains("Calibrated the int8 model on catalog images", train.Output);
        var calibration = db + ".int8.json";
        var written = File.GetLastWriteTimeUtc(calibration);

        var outfit = temp.Write("outfit.jpg", ShopperPhotoSynthesizer.Outfit(
            [ColourCatalog.Photo("Tshirts", "Red", 5151), ColourCatalog.Photo("Handbags", "Blue", 5152)], ShopperPhotoStrength.Mild, seed: 11));
        var search = await CliRun.RunAsync("search", outfit, "--json", "--db", db);
        Assert.True(search.ExitCode == ExitCodes.Success, search.ToString());
        Assert.NotEmpty(search.Json.GetProperty("items").EnumerateArray());

        // Trained again: the calibration there is kept (it may be the one int8 vectors were made with).
        var again = await CliRun.RunAsync(quick);
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.DoesNotContain("Calibrated the int8 model", again.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(calibration));
    }

    [Fact]
    public async Task A_catalog_with_colours_gets_a_colour_head_that_names_a_photos_colour_and_is_evaluated()
    {
        using var temp = new TempDirectory();
        var csv = ColourCatalog.Write(temp.File("shop"), perKindAndColour: 9);
        var db = temp.File("catalog.db");
        Assert.Equal(ExitCodes.Success, (await CliRun.RunAsync("import", "csv", csv, "--db", db)).ExitCode);

        var train = await CliRun.RunAsync("train", "--augment", "0", "--shopper-views", "1", "--no-product", "0", "--projection-epochs", "0", "--epochs", "40", "--db", db);
        Assert.True(train.ExitCode == ExitCodes.Success, train.ToString());
        Assert.Contains("Colour head on baseColour (reads the backbone vector and the photo's pixel colours): 4 colours", train.Output);
        Assert.Contains("Search steers by colour with weight", train.Output);

        var photo = temp.Write("black-t-shirt.jpg", ColourCatalog.Photo("Tshirts", "Black", 4244));
        var search = await CliRun.RunAsync("search", photo, "--db", db);
        Assert.Contains("The photo looks like: Black Tshirts (", search.Output);
        var json = await CliRun.RunAsync("search", photo, "--json", "--db", db);
        Assert.Equal("Black", json.Json.GetProperty("colour").GetProperty("name").GetString());

        var evaluate = await CliRun.RunAsync("evaluate", "--shopper-photos", "0", "--unrelated", "0", "--db", db);
        Assert.True(evaluate.ExitCode == ExitCodes.Success, evaluate.ToString());
        Assert.Matches(@"By baseColour: precision@10 [\d.]+, mAP@10 [\d.]+; predicted right [\d.]+ %", evaluate.Output);

        var without = await CliRun.RunAsync("train", "--augment", "0", "--shopper-views", "0", "--no-product", "0", "--projection-epochs", "0", "--epochs", "5", "--colour-attribute", "", "--json", "--db", db);
        Assert.True(without.ExitCode == ExitCodes.Success, without.ToString());
        Assert.False(without.Json.TryGetProperty("colour", out _)); // an empty attribute: no colour head
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

        // Bad training options are refused first, in the options' own words, without .NET's parameter suffix.
        var members = await CliRun.RunAsync("train", "--members", "0", "--dropout", "1.5", "--db", db);
        Assert.Equal(ExitCodes.InvalidUsage, members.ExitCode);
        Assert.Contains("Members must be between 1 and 16; got 0.", members.Error);
        Assert.Contains("Dropout in [0, 1)", members.Error);
        Assert.DoesNotContain("(Parameter", members.Error);
    }
}

using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

/// <summary>One configuration pipeline: every command, <c>serve</c> included, reads and checks the same settings.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("stats")]
    [InlineData("serve")]
    public async Task Every_problem_of_lookbook_json_is_listed_with_its_key_before_anything_runs(string command)
    {
        File.WriteAllText(_temp.File("lookbook.json"), """
            {
              "Lookbook": {
                "Storage": { "DatabasePath": "shop.db" },
                "Index": { "ApproximateAbove": 0 },
                "Search": { "RefreshInterval": "-00:00:01" },
                "Personalization": { "Diversity": 2 }
              }
            }
            """);
        string[] args = command == "serve" ? ["serve", "--urls", "http://127.0.0.1:0"] : [command];

        var (exitCode, output) = await LookbookProcess.RunAsync(_temp.Path, Timeout, args);

        Assert.True(exitCode == ExitCodes.Failure, $"exit {exitCode}\n{output}");
        Assert.Contains("Lookbook:Index:ApproximateAbove", output);
        Assert.Contains("Lookbook:Search:RefreshInterval", output);
        Assert.Contains("Lookbook:Personalization:Diversity", output);
        Assert.DoesNotContain("   at ", output); // a message, not a stack trace
    }

    [Fact]
    public async Task An_input_size_in_lookbook_json_is_what_import_and_later_commands_use()
    {
        File.WriteAllText(_temp.File("lookbook.json"), """
            { "Lookbook": { "Storage": { "DatabasePath": "shop.db" }, "Embedding": { "Preprocessing": { "InputSize": 96 } } } }
            """);

        var import = await LookbookProcess.RunAsync(_temp.Path, Timeout, "import", "fashion-mnist", RepositoryPaths.SampleCatalog, "--limit", "20");
        Assert.True(import.ExitCode == ExitCodes.Success, import.Output);
        var stats = await LookbookProcess.RunAsync(_temp.Path, Timeout, "stats", "--json");
        Assert.Contains("\"inputSize\": 96", stats.Output);
        var search = await LookbookProcess.RunAsync(_temp.Path, Timeout, "search", Path.Combine(RepositoryPaths.Queries, "bag.png"), "-k", "3");
        Assert.True(search.ExitCode == ExitCodes.Success, search.Output);
    }

    [Fact]
    public async Task A_misspelt_key_and_a_file_that_is_not_json_are_named_not_ignored()
    {
        File.WriteAllText(_temp.File("lookbook.json"), """{ "Lookbook": { "Storage": { "DatbasePath": "x.db" } } }""");
        var misspelt = await LookbookProcess.RunAsync(_temp.Path, Timeout, "stats");
        Assert.True(misspelt.ExitCode == ExitCodes.Failure, misspelt.Output);
        Assert.Contains("Lookbook:Storage:DatbasePath is not a setting", misspelt.Output);
        Assert.False(File.Exists(_temp.File("lookbook.db")), "a misspelt setting must not fall back to the default catalog");

        File.WriteAllText(_temp.File("lookbook.json"), "{ \"Lookbook\": {\n  \"Storage\": { \"DatabasePath\": \"x.db\" }\n  \"Search\": {} } }");
        var broken = await LookbookProcess.RunAsync(_temp.Path, Timeout, "stats");
        Assert.True(broken.ExitCode == ExitCodes.Failure, broken.Output);
        Assert.Contains("lookbook.json", broken.Output);
        Assert.Contains("(line 3, column 3)", broken.Output); // where the comma is missing
        Assert.DoesNotContain("   at ", broken.Output);
    }

    [Theory]
    [InlineData("\"Search\": { \"PredictedCategory\": \"Sometimes\" }", "Lookbook:Search:PredictedCategory cannot be 'Sometimes'. It takes one of: Boost, Restrict, Off.")]
    [InlineData("\"Index\": { \"ApproximateAbove\": \"lots\" }", "Lookbook:Index:ApproximateAbove cannot be 'lots'. It takes a whole number.")]
    public async Task A_value_of_the_wrong_kind_is_named_with_what_the_setting_takes(string section, string expected)
    {
        File.WriteAllText(_temp.File("lookbook.json"), $$"""{ "Lookbook": { {{section}} } }""");

        var (exitCode, output) = await LookbookProcess.RunAsync(_temp.Path, Timeout, "serve", "--urls", "http://127.0.0.1:0");

        Assert.True(exitCode == ExitCodes.Failure, $"exit {exitCode}\n{output}");
        Assert.Contains(expected, output);
        Assert.DoesNotContain("   at ", output);
    }
}

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
}

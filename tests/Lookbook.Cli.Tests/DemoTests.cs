using Lookbook.Testing;

namespace Lookbook.Cli.Tests;

/// <summary>The newcomer's path: what the demo prints can be pasted back and works; a wrong catalog path is named.</summary>
public sealed class DemoTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_commands_the_demo_prints_work_exactly_as_printed()
    {
        var demo = await LookbookProcess.RunAsync(_temp.Path, Timeout, "demo", "--quick", "--db", "shop/demo.db");
        Assert.True(demo.ExitCode == ExitCodes.Success, demo.Output);

        var printed = demo.Output.Split('\n').SkipWhile(l => !l.StartsWith("Try it yourself:", StringComparison.Ordinal)).Skip(1)
            .Select(l => l.Trim()).Where(l => l.StartsWith("lookbook ", StringComparison.Ordinal)).ToList();
        Assert.True(printed.Count >= 4, demo.Output);
        Assert.All(printed, line => Assert.Contains("--db shop/demo.db", line));
        foreach (var line in printed.Where(l => !l.Contains(" serve", StringComparison.Ordinal)))
        {
            var (exitCode, output) = await LookbookProcess.RunAsync(_temp.Path, Timeout, [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)]);
            Assert.True(exitCode == ExitCodes.Success, $"{line}\n{output}");
            if (line.Contains(" stats", StringComparison.Ordinal))
            {
                Assert.Contains("3,000", output);
            }
        }
    }

    [Theory]
    [InlineData("stats")]
    [InlineData("similar", "fmnist-train-00000")]
    [InlineData("train")]
    public async Task A_catalog_that_is_not_there_is_named_and_not_created(params string[] command)
    {
        var (exitCode, output) = await LookbookProcess.RunAsync(_temp.Path, Timeout, [.. command, "--db", "typo.db"]);

        Assert.True(exitCode == ExitCodes.NotFound, output);
        Assert.Contains($"No catalog at {_temp.File("typo.db")}", output);
        Assert.Contains("lookbook import", output);
        Assert.False(File.Exists(_temp.File("typo.db")));
    }
}

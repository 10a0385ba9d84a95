using System.CommandLine;

namespace Lookbook.Cli.Tests;

/// <summary>A fault in a command is reported in one line naming it, never as the runtime's stack trace.</summary>
public sealed class UnexpectedErrorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fault_in_a_command_is_one_line_and_its_stack_only_with_verbose(bool verbose)
    {
        var global = new GlobalOptions();
        var root = new RootCommand();
        global.AddTo(root);
        var faulty = new Command("faulty");
        faulty.SetAction(global, (_, _, _) => throw new NotSupportedException("the frobnicator is missing"));
        root.Subcommands.Add(faulty);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await root.Parse(verbose ? ["faulty", "--verbose"] : ["faulty"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(ExitCodes.Failure, code);
        var text = error.ToString();
        Assert.StartsWith("error: Lookbook stopped on an unexpected error (NotSupportedException: the frobnicator is missing).", text, StringComparison.Ordinal);
        Assert.Equal(verbose, text.Contains("   at ", StringComparison.Ordinal));
    }
}

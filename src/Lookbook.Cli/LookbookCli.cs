using System.CommandLine;
using Lookbook.Cli.Commands;

namespace Lookbook.Cli;

/// <summary>The command tree, and the entry point tests call with whole command lines.</summary>
public static class LookbookCli
{
    public static RootCommand BuildRoot()
    {
        var global = new GlobalOptions();
        var root = new RootCommand("Lookbook: visual fashion search. Import a catalog of product images, then find products by photo.");
        global.AddTo(root);
        root.Subcommands.Add(DemoCommand.Create(global));
        root.Subcommands.Add(ImportCommand.Create(global));
        root.Subcommands.Add(ReindexCommand.Create(global));
        root.Subcommands.Add(QuantizeCommand.Create(global));
        root.Subcommands.Add(SearchCommand.Create(global));
        root.Subcommands.Add(SimilarCommand.Create(global));
        root.Subcommands.Add(StatsCommand.Create(global));
        root.Subcommands.Add(RecommendCommand.Create(global));
        root.Subcommands.Add(TrainCommand.Create(global));
        root.Subcommands.Add(EvaluateCommand.Create(global));
        root.Subcommands.Add(ServeCommand.Create(global));
        root.Subcommands.Add(MigrateCommand.Create(global));
        root.Subcommands.Add(SiloCommand.Create(global));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var result = BuildRoot().Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'lookbook --help' for usage.").ConfigureAwait(false);
            return ExitCodes.InvalidUsage;
        }

        return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}

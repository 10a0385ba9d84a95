using Lookbook.Catalog;
using Spectre.Console;

namespace Lookbook.Cli.Output;

/// <summary>Status lines of long commands (training, evaluation): grey on stderr, silent with --json.</summary>
internal static class StatusLines
{
    public static IProgress<string> For(CliContext context, bool quiet) =>
        new InlineProgress<string>(line =>
        {
            if (!quiet)
            {
                context.Error.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            }
        });
}

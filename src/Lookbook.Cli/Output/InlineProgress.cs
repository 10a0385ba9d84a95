using Spectre.Console;

namespace Lookbook.Cli.Output;

/// <summary>Reports on the calling thread; <see cref="Progress{T}"/> would post to the thread pool and reorder updates.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

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

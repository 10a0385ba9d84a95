using Lookbook.Catalog;
using Lookbook.Catalog.Import;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lookbook.Cli.Output;

/// <summary>A progress bar with rate and ETA while importing, and the report afterwards.</summary>
internal static class ImportView
{
    private const int IssuesShown = 20;
    private const int MostHoursShown = 100;

    public static async Task<ImportResult> WithProgressAsync(
        CliContext context, string description, Func<IProgress<ImportProgress>, Task<ImportResult>> work)
    {
        if (!context.Error.Profile.Capabilities.Interactive)
        {
            // Logs and pipes get a plain line every 10 seconds instead of a redrawn bar.
            return await work(new PlainProgress(description, context.ErrorWriter, TimeSpan.FromSeconds(10))).ConfigureAwait(false);
        }

        ImportResult? result = null;
        await context.Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new CountColumn(), new RateColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: 1);
                task.IsIndeterminate = true;
                result = await work(new InlineProgress<ImportProgress>(p =>
                {
                    if (p.Total is { } total && total > 0)
                    {
                        task.IsIndeterminate = false;
                        task.MaxValue = total;
                    }

                    task.Value = p.Processed;
                })).ConfigureAwait(false);
                task.MaxValue = Math.Max(task.Value, 1);
                task.Value = task.MaxValue;
                task.StopTask();
            }).ConfigureAwait(false);
        return result!;
    }

    public sealed record JsonReport(
        string Source, long RunId, int Added, int Updated, int Unchanged, int Skipped, int Removed,
        double Seconds, double EmbeddedPerSecond, IReadOnlyList<ImportIssue> Issues);

    public static void WriteReport(CliContext context, ImportResult result, bool json)
    {
        var c = result.Counts;
        if (json)
        {
            Json.Write(context.Out.Profile.Out.Writer, new JsonReport(result.Source, result.RunId, c.Added, c.Updated, c.Unchanged, c.Skipped,
                c.Removed, Math.Round(result.Elapsed.TotalSeconds, 2), Math.Round(result.EmbeddedPerSecond, 1), result.Issues));
            return;
        }

        context.Out.MarkupLine(
            $"[green]{c.Added}[/] added, [green]{c.Updated}[/] updated, {c.Unchanged} unchanged, " +
            $"[{(c.Skipped > 0 ? "yellow" : "grey")}]{c.Skipped} skipped[/], {c.Removed} removed " +
            $"in {result.Elapsed.TotalSeconds:F1} s ({result.EmbeddedPerSecond:F0} images/s embedded).");
        if (result.Issues.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("Skipped item").AddColumn("Problem").AddColumn("Details");
        foreach (var issue in result.Issues.Take(IssuesShown))
        {
            table.AddRow(Markup.Escape(issue.Item), Markup.Escape(issue.Problem), Markup.Escape(issue.Message));
        }

        context.Out.Write(table);
        if (result.Issues.Count > IssuesShown)
        {
            context.Out.MarkupLine($"[yellow]… and {result.Issues.Count - IssuesShown} more (use --json for the full list).[/]");
        }
    }

    private sealed class PlainProgress(string description, TextWriter writer, TimeSpan every) : IProgress<ImportProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _last;

        public void Report(ImportProgress value)
        {
            var now = _clock.Elapsed;
            if (now - _last < every)
            {
                return;
            }

            _last = now;
            var line = ProgressLine(description, value, now);
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }

    /// <summary>
    /// One plain progress line. Nothing done yet (a cluster's silos still starting, a model still loading) has no rate
    /// to project from, so it says so rather than dividing by zero; hours are not wrapped at a day.
    /// </summary>
    internal static string ProgressLine(string description, ImportProgress value, TimeSpan elapsed)
    {
        var rate = elapsed > TimeSpan.Zero ? value.Processed / elapsed.TotalSeconds : 0;
        if (value.Total is not { } total || total <= 0)
        {
            return $"{description}: {value.Processed:N0}, {rate:N0}/s";
        }

        var done = $"{description}: {value.Processed:N0}/{total:N0} ({(double)value.Processed / total:P0}), {rate:N0}/s";
        if (value.Processed <= 0 || rate <= 0)
        {
            return done + ", time left not known yet";
        }

        var seconds = Math.Round(Math.Max(0, total - value.Processed) / rate);
        if (seconds >= MostHoursShown * 3600)
        {
            return $"{done}, more than {MostHoursShown} hours left";
        }

        var left = TimeSpan.FromSeconds(seconds);
        return $"{done}, about {(int)left.TotalHours:00}:{left:mm\\:ss} left";
    }

    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.Speed is { } speed ? $"[blue]{speed:F0}/s[/]" : "[grey]–/s[/]");
    }

    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(task.IsIndeterminate ? $"{task.Value:F0}" : $"{task.Value:F0}/{task.MaxValue:F0}");
    }
}

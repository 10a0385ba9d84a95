using System.CommandLine;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Evaluation;
using Lookbook.Learning;
using Lookbook.Search;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary>
/// <c>lookbook demo</c>: imports the shipped Fashion-MNIST sample and searches it with a few
/// photos from the official test set, so a newcomer sees the whole path in one command.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] DemoQueries = ["sneaker.png", "dress.png", "bag.png"];

    public static Command Create(GlobalOptions global)
    {
        var serve = new Option<bool>("--serve") { Description = "Then start the web app over the sample catalog." };
        var quick = new Option<bool>("--quick")
        {
            Description = "Skip training the classification head and the evaluation report (seconds instead of about three minutes; no prediction, \"no good match\" or /report).",
        };
        var urls = ServeCommand.Urls();
        var command = new Command("demo", "Import the shipped sample catalog (3,000 Fashion-MNIST images), train on it, evaluate it, search it by photo, optionally serve it.")
        {
            serve, quick, urls,
        };
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var samples = Path.Combine(AppContext.BaseDirectory, "samples");
            var source = new FashionMnistSource(Path.Combine(samples, "fashion-mnist"), "train");
            var database = context.Get<CatalogDatabase>();
            context.Out.MarkupLine($"Importing the sample catalog into [bold]{Markup.Escape(database.Path)}[/] …");
            var report = await ImportView.WithProgressAsync(context, "Importing",
                progress => context.Get<CatalogImporter>().ImportAsync(source, new ImportOptions(), progress, cancellationToken)).ConfigureAwait(false);
            ImportView.WriteReport(context, report, json: false);

            if (!result.GetValue(quick))
            {
                // What makes the page complete: a predicted kind, an honest "no good match", and /report.
                await LearnAsync(context, cancellationToken).ConfigureAwait(false);
            }

            var catalogs = context.Get<SearchableCatalogProvider>();
            foreach (var query in DemoQueries)
            {
                context.Out.WriteLine();
                var file = new FileInfo(Path.Combine(samples, "queries", query));
                var request = new SearchRequest(K: 5);
                var found = SearchCommand.Run(context, file, request);
                SearchResultView.Write(context, $"samples/queries/{query}", request, catalogs.ModelDescription, found.Hits, json: false, found);
            }

            context.Out.WriteLine();
            WriteNextSteps(context, context.Get<IOptions<StorageOptions>>().Value.DatabasePath, Path.Combine(samples, "queries", DemoQueries[2]), result.GetValue(serve));
            return result.GetValue(serve)
                ? await ServeCommand.RunAsync(context, global.Overrides(result), result.GetValue(urls), cancellationToken).ConfigureAwait(false)
                : ExitCodes.Success;
        });
        return command;
    }

    private static async Task LearnAsync(CliContext context, CancellationToken cancellationToken)
    {
        context.Out.WriteLine();
        context.Out.MarkupLine("Training the classification head on the frozen ResNet features (two to four minutes on two cores) …");
        var progress = StatusLines.For(context, quiet: false);
        var trained = await context.Get<HeadTrainer>().TrainAsync(new HeadTrainingRequest(), progress, cancellationToken).ConfigureAwait(false);
        context.Out.MarkupLine($"Held-out products classified right: [bold]{trained.Metrics.ValidationAccuracy:P1}[/] (macro F1 {trained.Metrics.ValidationMacroF1:P1}); " +
            $"\"no good match\" below similarity {trained.NoMatchThreshold:F3} turns away {trained.Metrics.UnrelatedRejected:P0} of images of no product.");

        context.Out.MarkupLine("Evaluating on held-out products and synthesised shopper photos …");
        var evaluation = context.Get<CatalogEvaluator>().EvaluateHoldout(0.2, 42, progress, cancellationToken);
        evaluation = evaluation with
        {
            ShopperPhotos = context.Get<ShopperPhotoEvaluator>().Evaluate(100, 100, 42, progress: progress, cancellationToken: cancellationToken),
        };
        var path = context.Get<CatalogDatabase>().Files.ReportHtml;
        await File.WriteAllTextAsync(path, HtmlReport.Render(evaluation), cancellationToken).ConfigureAwait(false);
        var atTen = evaluation.Retrieval.FirstOrDefault(r => r.K == 10);
        context.Out.MarkupLine($"Accuracy [bold]{evaluation.Classification?.Accuracy:P1}[/], category precision@10 [bold]{atTen?.PrecisionAtK:F3}[/]; report: {Markup.Escape(path)} (served at /report).");
    }

    /// <summary>Commands that work exactly as printed, from the folder the demo ran in.</summary>
    private static void WriteNextSteps(CliContext context, string databasePath, string photo, bool serving)
    {
        var launcher = Environment.GetEnvironmentVariable(LauncherVariable) is { Length: > 0 } name ? name : "lookbook";
        var db = string.Equals(databasePath, new StorageOptions().DatabasePath, StringComparison.Ordinal) ? "" : $" --db {Quote(databasePath)}";
        // The checkout's own copy reads better than the one beside the program, when the demo runs from the checkout.
        var inCheckout = Path.Combine("samples", "queries", Path.GetFileName(photo));
        var shownPhoto = File.Exists(inCheckout) ? inCheckout : photo;
        context.Out.MarkupLine("Try it yourself:");
        foreach (var line in new[]
        {
            $"{launcher} search {Quote(shownPhoto)}{db}",
            $"{launcher} similar fmnist-train-00000{db}",
            $"{launcher} stats{db}",
            $"{launcher} serve{db} --urls http://127.0.0.1:5080",
        }.Where(line => !serving || !line.Contains(" serve", StringComparison.Ordinal)))
        {
            context.Out.MarkupLine($"  [bold]{Markup.Escape(line)}[/]");
        }
    }

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"'{value}'" : value;

    /// <summary>Set by the <c>./lookbook</c> launcher (and scripts/demo.sh) to the name the printed commands start with.</summary>
    internal const string LauncherVariable = "LOOKBOOK_LAUNCHER";
}

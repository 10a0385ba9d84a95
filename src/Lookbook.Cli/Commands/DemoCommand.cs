using System.CommandLine;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Search;
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
        var urls = ServeCommand.Urls();
        var command = new Command("demo", "Import the shipped sample catalog (3,000 Fashion-MNIST images), search it by photo, optionally serve it.")
        {
            serve, urls,
        };
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var samples = Path.Combine(AppContext.BaseDirectory, "samples");
            var source = new FashionMnistSource(Path.Combine(samples, "fashion-mnist"), "train");
            context.Out.MarkupLine($"Importing the sample catalog into [bold]{Markup.Escape(context.Get<CatalogDatabase>().Path)}[/] …");
            var report = await ImportView.WithProgressAsync(context, "Importing",
                progress => context.Get<CatalogImporter>().ImportAsync(source, new ImportOptions(), progress, cancellationToken)).ConfigureAwait(false);
            ImportView.WriteReport(context, report, json: false);

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
            context.Out.MarkupLine("Try your own: [bold]lookbook search PHOTO[/], [bold]lookbook similar fmnist-train-00000[/], [bold]lookbook stats[/].");
            return result.GetValue(serve)
                ? await ServeCommand.RunAsync(context, global.Overrides(result), result.GetValue(urls), cancellationToken).ConfigureAwait(false)
                : ExitCodes.Success;
        });
        return command;
    }
}

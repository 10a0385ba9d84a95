using System.CommandLine;
using System.Globalization;
using Lookbook.Catalog;
using Lookbook.Catalog.Import;
using Lookbook.Catalog.Sources;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Vision.Embedding;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook import folder|csv|fashion-mnist ...</c>: bring a catalog in, resumably.</summary>
internal static class ImportCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("import", "Import a catalog: new and changed images are embedded, unchanged ones skipped, bad files reported.");
        command.Subcommands.Add(Folder(global));
        command.Subcommands.Add(Csv(global));
        command.Subcommands.Add(FashionMnist(global));
        return command;
    }

    private static Command Folder(GlobalOptions global)
    {
        var directory = new Argument<DirectoryInfo>("folder") { Description = "A folder of images; the first sub-folder names the category." };
        var command = new Command("folder", "Import a folder tree of images (JPEG, PNG, WebP, GIF, BMP).") { directory };
        return WithImport(command, global, result => new FolderSource(result.GetValue(directory)!.FullName));
    }

    private static Command Csv(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("styles-csv") { Description = "A Kaggle Fashion Product Images styles.csv (images in images/{id}.jpg beside it)." };
        var categoryColumn = new Option<string>("--category-column")
        {
            Description = "The column that becomes the category (articleType, subCategory, masterCategory...).",
            DefaultValueFactory = _ => "articleType",
        };
        var images = new Option<DirectoryInfo?>("--images") { Description = "Folder of the {id}.jpg files, if not images/ beside the CSV." };
        var command = new Command("csv", "Import products described by a styles.csv with their images.") { file, categoryColumn, images };
        return WithImport(command, global, result => new StylesCsvSource(
            result.GetValue(file)!.FullName, result.GetValue(categoryColumn)!, result.GetValue(images)?.FullName));
    }

    private static Command FashionMnist(GlobalOptions global)
    {
        var directory = new Argument<DirectoryInfo>("folder")
        {
            Description = "Folder with the IDX files, e.g. /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist) or samples/fashion-mnist.",
        };
        var split = new Option<string>("--split") { Description = "train (60,000 images) or test (10,000).", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "test");
        var limit = new Option<int>("--limit") { Description = "Import only the first N images (0: all)." };
        var command = new Command("fashion-mnist", "Import Fashion-MNIST images from IDX files.") { directory, split, limit };
        return WithImport(command, global, result => new FashionMnistSource(
            result.GetValue(directory)!.FullName, result.GetValue(split)!, result.GetValue(limit)));
    }

    private static Command WithImport(Command command, GlobalOptions global, Func<ParseResult, ICatalogSource> source)
    {
        var prune = new Option<bool>("--prune") { Description = "Delete products of this source that it no longer lists." };
        var workers = new Option<int>("--workers") { Description = "Threads decoding images (0: one per core)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Let the silos of a cluster do the work: the entries are queued in the PostgreSQL catalog and every silo embeds batches of them (images must be at paths every silo can read).",
        };
        command.Options.Add(prune);
        command.Options.Add(cluster);
        command.Options.Add(workers);
        command.Options.Add(json);
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var catalogSource = source(result);
            // With no input size configured (--input-size, lookbook.json, environment), a new catalog is embedded at a size that
            // suits its images (see InputSizeAdvisor); an indexed one keeps the size its vectors were made at.
            const string inputSize = $"{EmbeddingOptions.SectionName}:Preprocessing:InputSize";
            if (context.Configuration[inputSize] is null && !context.CatalogIsIndexed() && InputSizeAdvisor.Suggest(catalogSource) is { } size)
            {
                context.Configuration[inputSize] = size.ToString(CultureInfo.InvariantCulture);
            }

            if (result.GetValue(cluster))
            {
                return await ImportInClusterAsync(context, catalogSource, result.GetValue(prune), result.GetValue(json), cancellationToken).ConfigureAwait(false);
            }

            var importer = context.Get<CatalogImporter>();
            var options = new ImportOptions(result.GetValue(prune), result.GetValue(workers));
            var report = await ImportView.WithProgressAsync(context, "Importing",
                progress => importer.ImportAsync(catalogSource, options, progress, cancellationToken)).ConfigureAwait(false);
            ImportView.WriteReport(context, report, result.GetValue(json));
            return report.HasSkips ? ExitCodes.CompletedWithSkips : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> ImportInClusterAsync(CliContext context, ICatalogSource source, bool prune, bool json, CancellationToken cancellationToken)
    {
        if (prune)
        {
            CommandRunner.Fail(context, "--prune cannot be combined with --cluster: import with the cluster, then prune with a plain import of the same source.");
            return ExitCodes.InvalidUsage;
        }

        var database = context.Get<CatalogDatabase>();
        if (!database.SupportsImportQueue)
        {
            CommandRunner.Fail(context, $"--cluster needs the catalog in PostgreSQL (Lookbook:Storage:Provider = Postgres and its ConnectionString); {database.Location} is a SQLite file.");
            return ExitCodes.InvalidUsage;
        }

        // The silos embed at the catalog's model and input size: this run fixes them for a new catalog.
        database.EnsureEmbeddingProfile(context.Get<IImageEmbedder>().Profile);
        var import = new QueuedImport(database);
        try
        {
            var report = await ImportView.WithProgressAsync(context, "Importing with the cluster",
                progress => import.RunAsync(source, progress, cancellationToken)).ConfigureAwait(false);
            ImportView.WriteReport(context, report, json);
            return report.HasSkips ? ExitCodes.CompletedWithSkips : ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            context.ErrorWriter.WriteLine("The silos go on with what was queued; `lookbook stats` shows the catalog as it fills.");
            throw;
        }
    }
}

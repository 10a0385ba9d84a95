using System.CommandLine;
using System.Globalization;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Search;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook stats</c>: what the catalog holds and which model indexed it.</summary>
internal static class StatsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print the statistics as JSON." };
        var command = new Command("stats", "Show products per category, how many are indexed, and the model in use.") { json };
        command.SetAction(global, (result, context, _) =>
        {
            var database = context.Get<CatalogDatabase>();
            var stats = database.GetStats();
            var catalogs = context.Get<SearchableCatalogProvider>();
            var index = "none (nothing indexed)";
            if (stats.Embedded > 0)
            {
                using var lease = catalogs.Acquire();
                index = lease.Catalog.IsApproximate ? "approximate (HNSW)" : "exact";
            }

            if (result.GetValue(json))
            {
                Json.Write(context.Out.Profile.Out.Writer, new { database = database.Path, stats.Products, stats.Embedded, stats.Categories, model = stats.Embedding, stats.FileBytes, index });
                return Task.FromResult(ExitCodes.Success);
            }

            context.Out.MarkupLine($"Catalog [bold]{Markup.Escape(database.Location)}[/] ({stats.FileBytes / 1_048_576.0:F1} MB)");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Category").AddColumn(new TableColumn("Products").RightAligned());
            foreach (var category in stats.Categories)
            {
                table.AddRow(Markup.Escape(category.Category), category.Products.ToString("N0", CultureInfo.InvariantCulture));
            }

            table.AddRow("[bold]Total[/]", $"[bold]{stats.Products:N0}[/]");
            context.Out.Write(table);
            context.Out.MarkupLine($"Indexed: {stats.Embedded:N0} of {stats.Products:N0} products");
            context.Out.MarkupLine(stats.Embedding is { } model
                ? $"Model: {Markup.Escape(model.Description)} ({model.Dimension}-d, fingerprint {model.Fingerprint})"
                : "Model: none yet (nothing imported)");
            context.Out.MarkupLine($"Search index: {Markup.Escape(index)}" + (catalogs.LastUpdate is { } update
                ? $" ({(update.Rebuilt ? "built" : $"+{update.Added} −{update.Removed} since saved")} in {update.Elapsed.TotalSeconds:F1} s, {Markup.Escape(database.Files.Hnsw)})"
                : ""));
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }
}

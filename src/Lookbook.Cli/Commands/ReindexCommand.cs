using System.CommandLine;
using Lookbook.Catalog.Import;
using Lookbook.Cli.Output;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook reindex</c>: re-embed the stored products with the configured model.</summary>
internal static class ReindexCommand
{
    public static Command Create(GlobalOptions global)
    {
        var force = new Option<bool>("--force") { Description = "Re-embed every product even if the configuration did not change." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("reindex", "Re-embed the catalog with the configured model (after changing model, layer or input size). Resumable.")
        {
            force, json,
        };
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var reindexer = context.Get<CatalogReindexer>();
            var report = await ImportView.WithProgressAsync(context, "Re-indexing",
                progress => reindexer.ReindexAsync(result.GetValue(force), progress, cancellationToken)).ConfigureAwait(false);
            ImportView.WriteReport(context, report, result.GetValue(json));
            return report.HasSkips ? ExitCodes.CompletedWithSkips : ExitCodes.Success;
        }, requiresCatalog: true);
        return command;
    }
}

using System.CommandLine;
using Lookbook.Cli.Output;
using Lookbook.Search;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook similar PRODUCT_ID</c>: products that look like a catalog product.</summary>
internal static class SimilarCommand
{
    public static Command Create(GlobalOptions global)
    {
        var productId = new Argument<string>("product-id") { Description = "Id of a catalog product, e.g. fmnist-train-00042." };
        var options = new SearchFilterOptions();
        var command = new Command("similar", "Find the products that look most like a catalog product.") { productId };
        options.AddTo(command);
        command.SetAction(global, (result, context, _) =>
        {
            var id = result.GetValue(productId)!;
            var request = options.ToRequest(result);
            // An unknown id is ProductNotFoundException: CommandRunner says so and exits NotFound.
            var hits = context.Get<SimilarProducts>().Find(id, request);
            SearchResultView.Write(context, id, request, context.Get<SearchableCatalogProvider>().ModelDescription, hits, result.GetValue(options.Json));
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }
}

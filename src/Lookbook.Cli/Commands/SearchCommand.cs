using System.CommandLine;
using Lookbook.Cli.Output;
using Lookbook.Search;
using Lookbook.Vision.Images;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook search PHOTO</c>: products that look like a photo.</summary>
internal static class SearchCommand
{
    public static Command Create(GlobalOptions global)
    {
        var photo = new Argument<FileInfo>("photo") { Description = "The photo to search with (JPEG, PNG, WebP, GIF or BMP)." };
        var options = new SearchFilterOptions();
        var item = new Option<int?>("--item")
        {
            Description = "Search this garment of the photo (its number in the list of items found) instead of the best one.",
        };
        var command = new Command("search", "Find the products that look most like a photo.") { photo, item };
        options.AddTo(command);
        command.SetAction(global, (result, context, _) =>
        {
            var file = result.GetValue(photo)!;
            var request = options.ToRequest(result) with { Item = result.GetValue(item) };
            request.Validate();
            var found = Run(context, file, request);
            SearchResultView.Write(context, file.Name, request, context.Get<SearchableCatalogProvider>().ModelDescription, found.Hits, result.GetValue(options.Json), found);
            return Task.FromResult(ExitCodes.Success);
        }, requiresCatalog: true);
        return command;
    }

    internal static PhotoSearchResult Run(CliContext context, FileInfo file, SearchRequest request)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Photo not found: {file.FullName}");
        }

        var bytes = File.ReadAllBytes(file.FullName);
        try
        {
            return context.Get<PhotoSearch>().Search(bytes, request);
        }
        catch (ImageRejectedException e)
        {
            throw new ImageRejectedException(e.Problem, $"{file.Name}: {e.Message}");
        }
    }
}

using System.Globalization;
using Lookbook.Catalog;
using Lookbook.Search;
using Spectre.Console;

namespace Lookbook.Cli.Output;

/// <summary>Prints search results as a table or as JSON.</summary>
internal static class SearchResultView
{
    public sealed record JsonHit(int Rank, string Id, string Title, string Category, double Similarity, IReadOnlyDictionary<string, string> Attributes);

    public sealed record JsonPrediction(string Category, double Confidence);

    public sealed record JsonColour(string Name, double Confidence);

    public sealed record JsonResults(
        string Query, int K, string? Category, JsonPrediction? Prediction, bool? NoGoodMatch, string Model, IReadOnlyList<JsonHit> Results, JsonColour? Colour = null)
    {
        public IReadOnlyList<JsonItem>? Items { get; init; }

        public int? SearchedItem { get; init; }
    }

    /// <summary>A garment found on the photo: its box in fractions of the photo, and what the head thinks it is.</summary>
    public sealed record JsonItem(int Index, double X, double Y, double Width, double Height, string? Category, double Confidence);


    public static void Write(CliContext context, string query, SearchRequest request, string model, IReadOnlyList<SearchHit> hits, bool json, PhotoSearchResult? photo = null)
    {
        if (json)
        {
            Json.Write(context.Out.Profile.Out.Writer, new JsonResults(
                query, request.K, request.Category,
                photo?.Prediction is { } p ? new JsonPrediction(p.Category, Math.Round(p.Confidence, 4)) : null,
                photo?.NoGoodMatch, model,
                hits.Select((h, i) => new JsonHit(i + 1, h.Product.Id, h.Product.Title, h.Product.Category, Math.Round(h.Similarity, 4), h.Product.Attributes)).ToList(),
                photo?.Colour is { IsConfident: true } c ? new JsonColour(c.Colour, Math.Round(c.Confidence, 4)) : null)
            {
                Items = photo is null ? null : [.. photo.Items.Select((f, i) => new JsonItem(i, Math.Round(f.Box.X, 4), Math.Round(f.Box.Y, 4),
                    Math.Round(f.Box.Width, 4), Math.Round(f.Box.Height, 4), f.Category, Math.Round(f.Confidence, 4)))],
                SearchedItem = photo?.SearchedItem,
            });

            return;
        }

        if (photo is { Items.Count: > 0 })
        {
            context.Out.MarkupLine($"Found {photo.Items.Count} item{(photo.Items.Count == 1 ? "" : "s")} on the photo (search another with --item N):");
            for (var i = 0; i < photo.Items.Count; i++)
            {
                var found = photo.Items[i];
                var what = found.Category is null ? "a garment" : $"{Markup.Escape(found.Category)} ({found.Confidence:P0})";
                context.Out.MarkupLine($"  {i}: {what} at x {found.Box.X:F2}, y {found.Box.Y:F2}, {found.Box.Width:F2} × {found.Box.Height:F2}{(i == photo.SearchedItem ? " [bold]← searched[/]" : "")}");
            }
        }

        if (photo?.Prediction is { } prediction)
        {
            // The colour only when the colour head is sure enough (calibrated to be right about 80% of the time).
            context.Out.MarkupLine(photo.Colour is { IsConfident: true } colour
                ? $"The photo looks like: [bold]{Markup.Escape(colour.Colour)} {Markup.Escape(prediction.Category)}[/] ({prediction.Confidence:P0} confident; colour {colour.Confidence:P0})"
                : $"The photo looks like: [bold]{Markup.Escape(prediction.Category)}[/] ({prediction.Confidence:P0} confident)");
        }

        if (photo?.NoGoodMatch == true)
        {
            context.Out.MarkupLine($"[yellow]No good match in the catalog[/] (best similarity {photo.BestSimilarity:P1} is below what catalog photos reach).");
            return;
        }

        var filter = request.Category is null ? "" : $" in [bold]{Markup.Escape(request.Category)}[/]";
        context.Out.MarkupLine($"Top {hits.Count} products like [bold]{Markup.Escape(query)}[/]{filter}:");
        if (hits.Count == 0)
        {
            context.Out.MarkupLine("[yellow]No products match.[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn(new TableColumn("Similarity").RightAligned())
            .AddColumn("Product")
            .AddColumn("Title")
            .AddColumn("Category");
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                hit.Similarity.ToString("P1", CultureInfo.InvariantCulture),
                Markup.Escape(hit.Product.Id),
                Markup.Escape(hit.Product.Title),
                Markup.Escape(hit.Product.Category));
        }

        context.Out.Write(table);
        context.Out.MarkupLine($"[grey]model: {Markup.Escape(model)}[/]");
    }
}

namespace Lookbook.Catalog.Sources;

/// <summary>A catalog to import: a stream of products, each with its image, plus problems found while reading.</summary>
public interface ICatalogSource
{
    /// <summary>Stable name stored with each product, e.g. <c>folder:/data/shop</c>; pruning is scoped to it.</summary>
    string Name { get; }

    /// <summary>How many entries to expect, when known cheaply (drives the progress bar's ETA).</summary>
    int? CountHint { get; }

    /// <summary>Reads the catalog lazily. An entry is either a product or an issue with a row or file.</summary>
    IEnumerable<SourceEntry> ReadEntries();
}

/// <summary>A product as a source describes it; the image is a file path or bytes the source produced.</summary>
public sealed record SourceItem(
    string ProductId,
    string Title,
    string Category,
    IReadOnlyDictionary<string, string> Attributes,
    string? ImagePath,
    byte[]? ImageBytes);

/// <summary>Either an <see cref="SourceItem"/> or an <see cref="ImportIssue"/>.</summary>
public sealed record SourceEntry(SourceItem? Item, ImportIssue? Issue)
{
    public static SourceEntry Of(SourceItem item) => new(item, null);

    public static SourceEntry Problem(string item, string problem, string message) => new(null, new ImportIssue(item, problem, message));
}

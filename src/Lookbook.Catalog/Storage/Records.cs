using Lookbook.Vision.Embedding;

namespace Lookbook.Catalog.Storage;

/// <summary>A product as written by an import, with its image reference or bytes.</summary>
public sealed record ProductRecord(
    string Id,
    string Source,
    string Title,
    string Category,
    IReadOnlyDictionary<string, string> Attributes,
    string MetadataHash,
    string ImageHash,
    string? ImagePath,
    byte[]? ImageBytes,
    string ImageFormat,
    int ImageWidth,
    int ImageHeight);

/// <summary>The describing fields of a product, for updates that keep its image and vector.</summary>
public sealed record ProductMetadata(
    string Id,
    string Source,
    string Title,
    string Category,
    IReadOnlyDictionary<string, string> Attributes,
    string MetadataHash);

/// <summary>What the database already knows about a product, to decide whether an import must redo work.</summary>
public sealed record StoredItemState(string Source, string ImageHash, string MetadataHash, bool HasEmbedding);

/// <summary>A product's image: either bytes kept in the database or a path to the original file.</summary>
public sealed record StoredImage(string ProductId, string? Path, byte[]? Bytes, string Format)
{
    /// <summary>SHA-256 of the image bytes (hex); stable, so usable as an HTTP ETag.</summary>
    public string Hash { get; init; } = "";

    public int Width { get; init; }

    public int Height { get; init; }
}

/// <summary>One page of a product listing.</summary>
/// <param name="Total">Products matching the filters, over all pages.</param>
public sealed record ProductPage(IReadOnlyList<Product> Items, int Total);

/// <summary>Counts of one import run.</summary>
public sealed record ImportRunCounts(int Added, int Updated, int Unchanged, int Skipped, int Removed);

/// <summary>Totals for <c>lookbook stats</c>.</summary>
public sealed record CatalogStats(
    int Products,
    int Embedded,
    IReadOnlyList<CategoryCount> Categories,
    EmbeddingProfile? Embedding,
    long FileBytes);

/// <summary>Products in one category.</summary>
public sealed record CategoryCount(string Category, int Products);

namespace Lookbook.Catalog;

/// <summary>A product of the catalog as the rest of the system sees it (no image bytes, no vector).</summary>
/// <param name="Id">Stable id from the source (file path, CSV id or dataset index).</param>
/// <param name="Title">Human-readable name.</param>
/// <param name="Category">The category used for filtering and evaluation.</param>
/// <param name="Attributes">Free-form metadata (colour, season, gender...).</param>
public sealed record Product(
    string Id,
    string Title,
    string Category,
    IReadOnlyDictionary<string, string> Attributes);

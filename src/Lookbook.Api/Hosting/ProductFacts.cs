using Lookbook.Api.Contracts;
using Lookbook.Catalog;

namespace Lookbook.Api.Hosting;

/// <summary>
/// What a shop shows of a product's attributes: colour, gender, usage, brand and price where the catalog has them,
/// under names a shopper reads ("Colour", not "baseColour"), and never the importer's bookkeeping (which dataset,
/// split or row a product came from). The API's raw <c>attributes</c> stay as imported: filters use their keys.
/// </summary>
internal static class ProductFacts
{
    // Catalog column → label, in the order a product page lists them. Keys compare case-insensitively.
    private static readonly (string[] Keys, string Label)[] Known =
    [
        (["brand"], "Brand"),
        (["baseColour", "colour", "color"], "Colour"),
        (["gender"], "Gender"),
        (["usage"], "Usage"),
        (["articleType"], "Type"),
        (["subCategory"], "Group"),
        (["masterCategory"], "Department"),
        (["season"], "Season"),
        (["year"], "Year"),
        (["material"], "Material"),
        (["size", "sizes"], "Size"),
    ];

    // The importers' provenance (Fashion-MNIST's dataset/split/index, ids, hashes): never shown.
    private static readonly HashSet<string> Internal = new(StringComparer.OrdinalIgnoreCase)
    {
        "dataset", "split", "index", "label", "id", "hash", "sha256", "path", "file", "image", "productDisplayName", "price", "currency",
    };

    private static readonly string[] PriceKeys = ["price", "Price", "salePrice"];

    /// <summary>The card's short line: colour, gender, usage, brand (those present).</summary>
    public static IReadOnlyList<string> Short(Product product) =>
        [.. CardLabels.Select(label => Value(product, label)).OfType<string>()];

    private static readonly string[] CardLabels = ["Colour", "Gender", "Usage", "Brand"];

    /// <summary>The product page's table: the known facts in order, then any other attribute a retailer imported.</summary>
    public static IReadOnlyList<ProductFact> All(Product product)
    {
        var facts = new List<ProductFact>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keys, label) in Known)
        {
            if (keys.Select(k => (Key: k, Value: Lookup(product, k))).FirstOrDefault(f => f.Value is not null) is { Value: { } value } found)
            {
                facts.Add(new ProductFact(label, value));
                used.UnionWith(keys);
            }
        }

        facts.AddRange(product.Attributes
            .Where(a => !used.Contains(a.Key) && !Internal.Contains(a.Key) && !string.IsNullOrWhiteSpace(a.Value))
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new ProductFact(Humanize(a.Key), a.Value)));
        return facts;
    }

    /// <summary>The price as the catalog gave it, with its currency when a column names one.</summary>
    public static string? Price(Product product)
    {
        var price = PriceKeys.Select(k => Lookup(product, k)).FirstOrDefault(v => v is not null);
        return price is null ? null : Lookup(product, "currency") is { } currency ? $"{price} {currency}" : price;
    }

    private static string? Value(Product product, string label) =>
        Known.First(k => k.Label == label).Keys.Select(k => Lookup(product, k)).FirstOrDefault(v => v is not null);

    private static string? Lookup(Product product, string key) =>
        product.Attributes.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(a.Value)).Value;

    // "fabricType" → "Fabric type", "fit_note" → "Fit note".
    private static string Humanize(string key)
    {
        var words = System.Text.RegularExpressions.Regex.Replace(key.Replace('_', ' ').Replace('-', ' '), "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant().Trim();
        return words.Length == 0 ? key : char.ToUpperInvariant(words[0]) + words[1..];
    }
}

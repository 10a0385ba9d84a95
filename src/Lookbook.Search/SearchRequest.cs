using Lookbook.Catalog;

namespace Lookbook.Search;

/// <summary>What a shopper asks for besides the image: how many results and which products qualify.</summary>
/// <param name="K">Number of results wanted.</param>
/// <param name="Category">Only this category (case-insensitive), or null for any.</param>
/// <param name="Attributes">Only products whose attributes have these values (case-insensitive).</param>
/// <param name="Item">For a photo: which detected item to search, by index (null: the best one).</param>
public sealed record SearchRequest(int K = 10, string? Category = null, IReadOnlyDictionary<string, string>? Attributes = null, int? Item = null)
{
    /// <summary>The category value that means "any, and do not steer by the predicted category either".</summary>
    public const string AnyCategory = "any";

    /// <summary>True when the caller asked for any category explicitly.</summary>
    public bool IsAnyCategory => string.Equals(Category, AnyCategory, StringComparison.OrdinalIgnoreCase);

    /// <summary>The category to filter on, if one was named.</summary>
    public string? CategoryFilter => IsAnyCategory || string.IsNullOrWhiteSpace(Category) ? null : Category;

    /// <summary>Throws <see cref="ArgumentException"/> with a readable message for unusable values.</summary>
    public void Validate()
    {
        if (K is < 1 or > 1000)
        {
            throw new ArgumentException($"k must be between 1 and 1000; got {K}.");
        }

        if (Item is < 0)
        {
            throw new ArgumentException($"item must be 0 or more (an index into the detected items); got {Item}.");
        }
    }

    internal bool Accepts(Product product) =>
        (CategoryFilter is null || string.Equals(product.Category, CategoryFilter, StringComparison.OrdinalIgnoreCase))
        && (Attributes is null || Attributes.All(a => string.Equals(ValueOf(product, a.Key), a.Value, StringComparison.OrdinalIgnoreCase)));

    /// <summary>A product's value of an attribute, its name matched case-insensitively (as a filter names it); null when it has none.</summary>
    internal static string? ValueOf(Product product, string attribute)
    {
        if (product.Attributes.TryGetValue(attribute, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in product.Attributes)
        {
            if (string.Equals(key, attribute, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>A product found by similarity.</summary>
/// <param name="Similarity">Cosine similarity of the vectors, in [-1, 1].</param>
public sealed record SearchHit(Product Product, float Similarity);

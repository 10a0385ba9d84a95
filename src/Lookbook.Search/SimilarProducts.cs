namespace Lookbook.Search;

/// <summary>Products that look like a catalog product: its own vector is the query, no model needed.</summary>
public sealed class SimilarProducts(SearchableCatalogProvider catalogs)
{
    /// <summary>The most similar products, the product itself left out; throws <see cref="ProductNotFoundException"/>.</summary>
    public IReadOnlyList<SearchHit> Find(string productId, SearchRequest request)
    {
        request.Validate();
        using var lease = catalogs.Acquire();
        var catalog = lease.Catalog;
        // The index holds the vector in the space it searches (the head's hidden layer when that was chosen).
        var vector = catalog.Find(productId) is null ? null : catalog.VectorOf(productId);
        return vector is null ? throw new ProductNotFoundException(productId) : catalog.Search(vector, request, excludeId: productId);
    }
}

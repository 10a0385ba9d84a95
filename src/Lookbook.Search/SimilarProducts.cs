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
        if (catalog.Find(productId) is null || catalog.VectorOf(productId) is not { } indexed)
        {
            throw new ProductNotFoundException(productId); // unknown, or just deleted (out of the index already)
        }

        // The stored float32 vector, not the index's copy (a graph keeps 16-bit ones), in the space the catalog searches.
        var stored = catalogs.Database.GetVector(productId);
        var query = stored is null ? indexed : catalog.ToSearchSpace(stored);
        return catalog.Search(query, request, excludeId: productId);
    }
}

using Lookbook.Core.Catalog;

namespace Lookbook.Core.Search;

/// <summary>
/// The searchable catalog in memory: products by id and their vectors in an index. Built once at start
/// (or after an import) and read by any number of concurrent searches.
/// </summary>
public sealed class CatalogSnapshot
{
    private readonly Dictionary<string, Product> _products;
    private readonly IVectorIndex _index;

    public CatalogSnapshot(IEnumerable<Product> products, IVectorIndex index)
    {
        _products = products.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _index = index;
    }

    public int Count => _index.Count;

    public int Dimension => _index.Dimension;

    public Product? Find(string productId) => _products.GetValueOrDefault(productId);

    /// <summary>Products most similar to <paramref name="query"/> (an L2-normalised vector), best first.</summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request, string? excludeId = null)
    {
        request.Validate();
        var filterless = request.Category is null && request.Attributes is null && excludeId is null;
        Func<string, bool>? filter = filterless
            ? null
            : id => id != excludeId && _products.TryGetValue(id, out var p) && request.Accepts(p);
        return _index.Search(query, request.K, filter)
            .Select(hit => new SearchHit(_products[hit.Key], hit.Similarity))
            .ToList();
    }
}

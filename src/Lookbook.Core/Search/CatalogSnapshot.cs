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

    public CatalogSnapshot(IEnumerable<Product> products, IVectorIndex index, bool isApproximate = false)
    {
        _products = products.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _index = index;
        IsApproximate = isApproximate;
    }

    public int Count => _index.Count;

    /// <summary>Whether searches go through an approximate index (recall slightly below 1) rather than an exact scan.</summary>
    public bool IsApproximate { get; }

    public int Dimension => _index.Dimension;

    public Product? Find(string productId) => _products.GetValueOrDefault(productId);

    /// <summary>The indexed vector of a product (in the snapshot's space), or null.</summary>
    public float[]? VectorOf(string productId) => _index.Get(productId);

    /// <summary>Every product, for callers that rank without a query (e.g. cold-start lists).</summary>
    public IEnumerable<Product> Products => _products.Values;

    /// <summary>
    /// Products most similar to <paramref name="query"/> (an L2-normalised vector), best first. With
    /// <paramref name="categoryBonus"/> (e.g. the predicted probability of each category) and a positive
    /// <paramref name="boost"/>, ranking adds boost × bonus(product's category); see <see cref="BoostedRanking"/>.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(
        ReadOnlySpan<float> query,
        SearchRequest request,
        string? excludeId = null,
        Func<string, float>? categoryBonus = null,
        float boost = 0,
        string? restrictToCategory = null,
        Func<Product, bool>? where = null)
    {
        request.Validate();
        var filterless = request.CategoryFilter is null && request.Attributes is null && excludeId is null && restrictToCategory is null && where is null;
        Func<string, bool>? filter = filterless
            ? null
            : id => id != excludeId && _products.TryGetValue(id, out var p) && request.Accepts(p)
                && (restrictToCategory is null || string.Equals(p.Category, restrictToCategory, StringComparison.Ordinal))
                && (where is null || where(p));
        var hits = categoryBonus is null
            ? _index.Search(query, request.K, filter)
            : BoostedRanking.Rank(_index, query, request.K, id => categoryBonus(_products[id].Category), boost, filter);
        return hits.Select(hit => new SearchHit(_products[hit.Key], hit.Similarity)).ToList();
    }

    /// <summary>The <paramref name="n"/> nearest products, unfiltered, best first.</summary>
    public IReadOnlyList<VectorHit> Nearest(ReadOnlySpan<float> query, int n) => _index.Search(query, n);

    /// <summary>
    /// Results from candidates already found by <see cref="Nearest"/>: the first k, or, with a positive
    /// <paramref name="boost"/>, the best k after re-scoring by category bonus (see <see cref="BoostedRanking"/>).
    /// </summary>
    public IReadOnlyList<SearchHit> FromCandidates(IReadOnlyList<VectorHit> candidates, int k, Func<string, float>? categoryBonus = null, float boost = 0)
    {
        var ranked = categoryBonus is null || boost <= 0
            ? candidates.Take(k)
            : BoostedRanking.Rescore(candidates, k, id => categoryBonus(_products[id].Category), boost);
        return ranked.Select(hit => new SearchHit(_products[hit.Key], hit.Similarity)).ToList();
    }

    /// <summary>The similarity of the single nearest product, ignoring every filter (0 for an empty catalog).</summary>
    public float BestSimilarity(ReadOnlySpan<float> query) => _index.Search(query, 1) is [var best] ? best.Similarity : 0f;
}

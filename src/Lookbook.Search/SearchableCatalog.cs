using Lookbook.Catalog;
using Lookbook.Index;
using Lookbook.Learning;
using Lookbook.Vision.Embedding;

namespace Lookbook.Search;

/// <summary>
/// Everything a search reads: the products, their vectors in an index, the trained head (or none) and the embedding
/// profile the vectors were made with. The products, head and profile never change; <see cref="SearchableCatalogProvider"/>
/// builds a new catalog when they do and swaps it in atomically. Small changes (a delete, an import's new products)
/// update the index in place and hand it on to the successor, so a search holding an older catalog may see the index
/// move under it: it never sees a product its catalog does not know (those keys are skipped), and may see fewer than
/// k results during a catch-up. The index is shared by every catalog built on it and freed when the last one is.
/// </summary>
public sealed class SearchableCatalog : IDisposable
{
    private readonly Dictionary<string, Product> _products;
    private readonly Lazy<Dictionary<string, SortedSet<string>>> _attributeValues;
    private readonly Lazy<SortedSet<string>> _categories;
    private readonly IVectorIndex _index;
    private readonly SharedIndex _owner;
    private int _disposed;

    /// <param name="products">The catalog's products (a product the index does not hold is simply never found).</param>
    /// <param name="index">Vectors by product id; this catalog owns it (disposes it), sharing it with its successors.</param>
    public SearchableCatalog(
        IEnumerable<Product> products,
        IVectorIndex index,
        bool isApproximate = false,
        TrainedHead? head = null,
        EmbeddingProfile? profile = null,
        long revision = 0)
        : this(products, new SharedIndex(index), isApproximate, head, profile, revision)
    {
    }

    private SearchableCatalog(
        IEnumerable<Product> products, SharedIndex owner, bool isApproximate, TrainedHead? head, EmbeddingProfile? profile, long revision)
    {
        _products = products.ToDictionary(p => p.Id, StringComparer.Ordinal);
        _attributeValues = new(AttributeValues); // built by the first filtered search, not by every catch-up
        _categories = new(() => new SortedSet<string>(_products.Values.Select(p => p.Category), StringComparer.OrdinalIgnoreCase));
        _owner = owner;
        _index = owner.Index;
        IsApproximate = isApproximate;
        Head = head;
        Profile = profile;
        Revision = revision;
    }

    /// <summary>Number of searchable (indexed) products.</summary>
    public int Count => _index.Count;

    /// <summary>Whether searches go through an approximate index (recall slightly below 1) rather than an exact scan.</summary>
    public bool IsApproximate { get; }

    /// <summary>The trained head in use, or null (none trained, or trained for another model).</summary>
    public TrainedHead? Head { get; }

    /// <summary>What made the stored vectors (null for a catalog built in memory, e.g. by the evaluation).</summary>
    public EmbeddingProfile? Profile { get; }

    /// <summary>The store's revision this catalog reflects.</summary>
    public long Revision { get; }

    internal IVectorIndex Index => _index;

    /// <summary>A stored (backbone) vector in the space the index searches (the head's hidden layer or the shopper projection when one was chosen).</summary>
    public float[] ToSearchSpace(float[] stored) => Head is { } trained ? trained.ToSearchSpace(stored) : stored;

    public Product? Find(string productId) => _products.GetValueOrDefault(productId);

    /// <summary>The indexed vector of a product (in the catalog's search space), or null.</summary>
    public float[]? VectorOf(string productId) => _index.Get(productId);

    /// <summary>Every product, for callers that rank without a query (e.g. cold-start lists).</summary>
    public IEnumerable<Product> Products => _products.Values;

    /// <summary>
    /// A successor over the same (already updated) index with <paramref name="products"/> at <paramref name="revision"/>.
    /// Both hold the index: it is freed when the last catalog built on it is disposed.
    /// </summary>
    internal SearchableCatalog Succeed(IEnumerable<Product> products, long revision) =>
        new(products, _owner.AddReference(), IsApproximate, Head, Profile, revision);

    /// <summary>
    /// Products most similar to <paramref name="query"/> (an L2-normalised vector), best first. With a
    /// <paramref name="bonus"/> (e.g. <see cref="PhotoSteering.Bonus(Product)"/>), ranking re-scores the
    /// <paramref name="candidates"/> nearest by similarity + bonus(product); see <see cref="BoostedRanking"/>.
    /// Throws <see cref="UnknownAttributeException"/> when an attribute filter names what no product has.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(
        ReadOnlySpan<float> query,
        SearchRequest request,
        string? excludeId = null,
        Func<Product, float>? bonus = null,
        int? candidates = null,
        string? restrictToCategory = null,
        Func<Product, bool>? where = null)
    {
        request.Validate();
        EnsureKnownAttributes(request);
        var filterless = request.CategoryFilter is null && request.Attributes is null && excludeId is null && restrictToCategory is null && where is null
            && _products.Count == _index.Count;
        // Keys without a product (an index updated in place for a newer catalog) never qualify.
        Func<string, bool>? filter = filterless
            ? null
            : id => _products.TryGetValue(id, out var p) && id != excludeId && request.Accepts(p)
                && (restrictToCategory is null || string.Equals(p.Category, restrictToCategory, StringComparison.Ordinal))
                && (where is null || where(p));
        var hits = bonus is null
            ? _index.Search(query, request.K, filter)
            : BoostedRanking.Rank(_index, query, request.K, ByProduct(bonus), 1f, filter, candidates);
        return ToHits(hits);
    }

    /// <summary>
    /// Throws <see cref="UnknownCategoryException"/> or <see cref="UnknownAttributeException"/> when the category filter or an attribute filter could match nothing
    /// because no product has that category, attribute or value (a misspelling would otherwise look like an empty answer);
    /// names match case-insensitively.
    /// </summary>
    public void EnsureKnownAttributes(SearchRequest request) => EnsureKnown(request.CategoryFilter, request.Attributes);

    /// <summary>The same check for a category and attribute values outside a search (a shopper's preferences).</summary>
    public void EnsureKnown(string? category, IReadOnlyDictionary<string, string>? attributes)
    {
        if (category is not null && !_categories.Value.Contains(category))
        {
            throw new UnknownCategoryException($"No product has the category '{category}'. Categories in this catalog: {Listed(_categories.Value)}.");
        }

        foreach (var (attribute, value) in attributes ?? new Dictionary<string, string>())
        {
            if (!_attributeValues.Value.TryGetValue(attribute, out var values))
            {
                throw new UnknownAttributeException(_attributeValues.Value.Count == 0
                    ? $"No product in this catalog has attributes; '{attribute}' cannot filter it."
                    : $"No product has the attribute '{attribute}'. Attributes in this catalog: {Listed(_attributeValues.Value.Keys)}.");
            }

            if (!values.Contains(value))
            {
                throw new UnknownAttributeException($"No product has {attribute} '{value}'. Values in this catalog: {Listed(values)}.");
            }
        }
    }

    /// <summary>The <paramref name="n"/> nearest products, unfiltered, best first.</summary>
    public IReadOnlyList<VectorHit> Nearest(ReadOnlySpan<float> query, int n) =>
        _index.Search(query, n, _products.Count == _index.Count ? null : _products.ContainsKey);

    /// <summary>
    /// Results from candidates already found by <see cref="Nearest"/>: the first k, or, with a <paramref name="bonus"/>,
    /// the best k after re-scoring by similarity + bonus(product) (see <see cref="BoostedRanking"/>).
    /// </summary>
    public IReadOnlyList<SearchHit> FromCandidates(IReadOnlyList<VectorHit> candidates, int k, Func<Product, float>? bonus = null)
    {
        var ranked = bonus is null
            ? candidates.Take(k)
            : BoostedRanking.Rescore(candidates, k, ByProduct(bonus), 1f);
        return ToHits(ranked);
    }

    /// <summary>The similarity of the single nearest product, ignoring every filter (0 for an empty catalog).</summary>
    public float BestSimilarity(ReadOnlySpan<float> query) => Nearest(query, 1) is [var best] ? best.Similarity : 0f;

    private Func<string, float> ByProduct(Func<Product, float> bonus) =>
        id => _products.TryGetValue(id, out var product) ? bonus(product) : 0f;

    private Dictionary<string, SortedSet<string>> AttributeValues()
    {
        var values = new Dictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var product in _products.Values)
        {
            foreach (var (attribute, value) in product.Attributes)
            {
                if (!values.TryGetValue(attribute, out var set))
                {
                    values[attribute] = set = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
                }

                set.Add(value);
            }
        }

        return values;
    }

    // At most this many values named in an error: a free-text attribute can have thousands.
    private const int ListedValues = 40;

    private static string Listed(IEnumerable<string> values)
    {
        var ordered = values.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return string.Join(", ", ordered.Take(ListedValues)) + (ordered.Count > ListedValues ? $" and {ordered.Count - ListedValues} more" : "");
    }

    private List<SearchHit> ToHits(IEnumerable<VectorHit> hits) =>
        [.. hits.Where(hit => _products.ContainsKey(hit.Key)).Select(hit => new SearchHit(_products[hit.Key], hit.Similarity))];

    /// <summary>Lets go of the index: freed once no catalog built on it is left.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Release();
        }
    }

    /// <summary>An index with a count of the catalogs built on it.</summary>
    private sealed class SharedIndex(IVectorIndex index)
    {
        private int _references = 1;

        public IVectorIndex Index { get; } = index;

        public SharedIndex AddReference()
        {
            Interlocked.Increment(ref _references);
            return this;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                Index.Dispose();
            }
        }
    }
}

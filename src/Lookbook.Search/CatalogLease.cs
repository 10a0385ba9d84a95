namespace Lookbook.Search;

/// <summary>
/// The current <see cref="SearchableCatalog"/>, held for one operation: a catalog swapped out meanwhile is disposed
/// only when its last lease ends. Dispose the lease when done (a <c>using</c>).
/// </summary>
public sealed class CatalogLease : IDisposable
{
    private CatalogHolder? _holder;

    internal CatalogLease(CatalogHolder holder) => _holder = holder;

    public SearchableCatalog Catalog => (_holder ?? throw new ObjectDisposedException(nameof(CatalogLease))).Catalog;

    public void Dispose() => Interlocked.Exchange(ref _holder, null)?.Release();
}

/// <summary>A catalog with a count of its users: the provider's own reference plus one per lease.</summary>
internal sealed class CatalogHolder(SearchableCatalog catalog, CatalogBuild build)
{
    private int _references = 1;

    public SearchableCatalog Catalog { get; } = catalog;

    /// <summary>How the catalog was built, for the next catch-up.</summary>
    public CatalogBuild Build { get; } = build;

    /// <summary>Adds a reference unless the catalog is already retired and released.</summary>
    public bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Catalog.Dispose();
        }
    }
}

using Lookbook.Core.Search;
using Lookbook.Engine.Indexing;
using Lookbook.Storage;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;

namespace Lookbook.Engine.Search;

/// <summary>A catalog that cannot be searched yet, with what to do about it.</summary>
public sealed class CatalogEmptyException(string databasePath)
    : Exception($"The catalog {databasePath} has no indexed products yet. Import some first, e.g. `lookbook import fashion-mnist samples/fashion-mnist`.");

/// <summary>A product id that the catalog does not have.</summary>
public sealed class ProductNotFoundException(string productId)
    : Exception($"No product with id '{productId}' in the catalog.")
{
    public string ProductId { get; } = productId;
}

/// <summary>
/// Answers "which products look like this?" for a photo or a catalog product. The in-memory snapshot
/// is loaded on first use and shared; <see cref="Refresh"/> reloads it after the catalog changes.
/// </summary>
public sealed class CatalogSearch(CatalogDatabase database, Lazy<IImageEmbedder> embedder)
{
    private readonly Lock _gate = new();
    private CatalogSnapshot? _snapshot;
    private volatile bool _profileChecked;

    public CatalogSearch(CatalogDatabase database, IImageEmbedder embedder)
        : this(database, new Lazy<IImageEmbedder>(embedder))
    {
    }

    /// <summary>The stored model description (search by product needs no model).</summary>
    public string ModelDescription => database.GetEmbeddingProfile()?.Description ?? "none";

    /// <summary>Products that look like the photo, optionally only the given region of it.</summary>
    public IReadOnlyList<SearchHit> SearchByPhoto(ReadOnlySpan<byte> photo, SearchRequest request, NormalizedRect? region = null)
    {
        request.Validate();
        var model = embedder.Value;
        EnsureProfile(model);
        var snapshot = Snapshot();
        using var prepared = model.Preparer.Prepare(photo, region);
        var vector = model.Embed([prepared])[0];
        return snapshot.Search(vector, request);
    }

    /// <summary>Products that look like a catalog product (the product itself is left out).</summary>
    public IReadOnlyList<SearchHit> SimilarTo(string productId, SearchRequest request)
    {
        request.Validate();
        var snapshot = Snapshot();
        if (snapshot.Find(productId) is null)
        {
            throw new ProductNotFoundException(productId);
        }

        var vector = database.GetVector(productId) ?? throw new ProductNotFoundException(productId);
        return snapshot.Search(vector, request, excludeId: productId);
    }

    /// <summary>
    /// Loads the model and the snapshot now (a server calls this at start); returns the number of
    /// searchable products. Throws <see cref="EmbeddingMismatchException"/> when the catalog was indexed
    /// with another configuration.
    /// </summary>
    public int Warm()
    {
        EnsureProfile(embedder.Value);
        try
        {
            return Snapshot().Count;
        }
        catch (CatalogEmptyException)
        {
            return 0;
        }
    }

    /// <summary>Drops the cached snapshot so the next search sees the current catalog.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            _snapshot = null;
            _profileChecked = false;
        }
    }

    private void EnsureProfile(IImageEmbedder model)
    {
        if (!_profileChecked)
        {
            database.EnsureEmbeddingProfile(model.Profile.ToStored());
            _profileChecked = true;
        }
    }

    private CatalogSnapshot Snapshot()
    {
        lock (_gate)
        {
            if (_snapshot is null)
            {
                var profile = database.GetEmbeddingProfile();
                var snapshot = profile is null ? null : SnapshotLoader.Load(database, profile.Dimension);
                _snapshot = snapshot is { Count: > 0 } ? snapshot : throw new CatalogEmptyException(database.Path);
            }

            return _snapshot;
        }
    }
}

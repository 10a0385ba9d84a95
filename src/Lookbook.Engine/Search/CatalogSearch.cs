using Lookbook.Core.Learning;
using Lookbook.Core.Personalization;
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

/// <summary>What the trained head thinks the photo shows.</summary>
public sealed record CategoryPrediction(string Category, float Confidence);

/// <summary>
/// The answer to a photo search. <see cref="NoGoodMatch"/> is set (and <see cref="Hits"/> empty) when even
/// the best match is below the similarity that 99% of genuine catalog photos reach.
/// </summary>
public sealed record PhotoSearchResult(IReadOnlyList<SearchHit> Hits, CategoryPrediction? Prediction, bool NoGoodMatch, float BestSimilarity);

/// <summary>
/// Answers "which products look like this?" for a photo or a catalog product. The in-memory snapshot
/// (and the trained head, when there is one for the catalog's model) is loaded on first use and shared;
/// <see cref="Refresh"/> reloads both after the catalog changes.
/// </summary>
public sealed class CatalogSearch(CatalogDatabase database, Lazy<IImageEmbedder> embedder, SearchSettings? settings = null, IndexSettings? indexSettings = null)
{
    private readonly Lock _gate = new();
    private readonly SearchSettings _settings = settings ?? new SearchSettings();
    private readonly IndexSettings _indexSettings = indexSettings ?? new IndexSettings();
    private State? _state;
    private EmbeddingBatcher? _batcher;
    private volatile bool _profileChecked;

    public CatalogSearch(CatalogDatabase database, IImageEmbedder embedder, SearchSettings? settings = null, IndexSettings? indexSettings = null)
        : this(database, new Lazy<IImageEmbedder>(embedder), settings, indexSettings)
    {
    }

    /// <summary>The stored model description (search by product needs no model).</summary>
    public string ModelDescription => database.GetEmbeddingProfile()?.Description ?? "none";

    /// <summary>What the last load did to the approximate index, or null when the exact index serves searches.</summary>
    public IndexUpdate? LastIndexUpdate { get; private set; }

    /// <summary>The kind of index serving searches: "exact" or "approximate (HNSW)"; loads the catalog.</summary>
    public string IndexKindInUse => Load().Snapshot.IsApproximate ? "approximate (HNSW)" : "exact";

    /// <summary>The trained head in use, or null (none trained, or trained for another model).</summary>
    public TrainedHead? Head => Load().Head;

    /// <summary>
    /// Products that look like the photo, optionally only the given region of it. With a shopper's
    /// <paramref name="shopper"/> profile, the visually similar candidates are re-ranked by similarity +
    /// <paramref name="personalWeight"/> × the shopper's affinity for each.
    /// </summary>
    public PhotoSearchResult SearchByPhoto(
        ReadOnlySpan<byte> photo, SearchRequest request, NormalizedRect? region = null, InterestProfile? shopper = null, float personalWeight = 0)
    {
        request.Validate();
        var model = embedder.Value;
        EnsureProfile(model);
        using var prepared = model.Preparer.Prepare(photo, region);
        return Rank(model.Embed([prepared])[0], request, shopper, personalWeight);
    }

    /// <summary>
    /// <see cref="SearchByPhoto"/> for servers: the photo is decoded on the caller's thread, then embedded in a batch
    /// shared with concurrent searches (see <see cref="EmbeddingBatcher"/>).
    /// </summary>
    public async Task<PhotoSearchResult> SearchByPhotoAsync(
        ReadOnlyMemory<byte> photo, SearchRequest request, NormalizedRect? region = null, InterestProfile? shopper = null, float personalWeight = 0,
        CancellationToken cancellationToken = default)
    {
        request.Validate();
        var model = embedder.Value;
        EnsureProfile(model);
        var batcher = LazyInitializer.EnsureInitialized(ref _batcher, () => new EmbeddingBatcher(model));
        using var prepared = model.Preparer.Prepare(photo.Span, region);
        var vector = await batcher.EmbedAsync(prepared, cancellationToken).ConfigureAwait(false);
        return Rank(vector, request, shopper, personalWeight);
    }

    private PhotoSearchResult Rank(float[] vector, SearchRequest request, InterestProfile? shopper, float personalWeight)
    {
        var state = Load();
        if (shopper is null || personalWeight <= 0)
        {
            return HeadSearch.Run(state.Snapshot, state.Head, _settings.PredictedCategory, vector, request);
        }

        var wide = HeadSearch.Run(state.Snapshot, state.Head, _settings.PredictedCategory, vector, request with { K = Math.Min(1000, request.K * 5) });
        var reranked = wide.Hits
            .Select((hit, rank) => (Hit: hit, Rank: rank, Score: hit.Similarity + (personalWeight * Affinity(state, shopper, hit.Product.Id))))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Rank)
            .Take(request.K)
            .Select(x => x.Hit)
            .ToList();
        return wide with { Hits = reranked };
    }

    /// <summary>The current in-memory catalog (loaded on first use).</summary>
    public CatalogSnapshot Snapshot() => Load().Snapshot;

    /// <summary>A recommender over the current catalog.</summary>
    public Recommender Recommender(PersonalizationOptions options) => new(Load().Snapshot, options);

    /// <summary>A shopper's interests, in the space the catalog is searched in.</summary>
    public InterestProfile InterestProfileOf(IReadOnlyList<Interaction> history, PersonalizationOptions options, DateTimeOffset now) =>
        InterestProfile.Build(history, Load().Snapshot.VectorOf, options, now);

    private static float Affinity(State state, InterestProfile shopper, string productId) =>
        state.Snapshot.VectorOf(productId) is { } vector ? shopper.Affinity(vector, 0.5f) : 0f;

    /// <summary>
    /// Search with an already embedded photo (evaluation); <paramref name="applyNoMatch"/> false ranks
    /// even photos below the no-good-match threshold.
    /// </summary>
    public PhotoSearchResult SearchByVector(float[] vector, SearchRequest request, bool applyNoMatch = true)
    {
        request.Validate();
        var state = Load();
        return HeadSearch.Run(state.Snapshot, state.Head, _settings.PredictedCategory, vector, request, applyNoMatch);
    }

    /// <summary>Products that look like a catalog product (the product itself is left out).</summary>
    public IReadOnlyList<SearchHit> SimilarTo(string productId, SearchRequest request)
    {
        request.Validate();
        var state = Load();
        if (state.Snapshot.Find(productId) is null)
        {
            throw new ProductNotFoundException(productId);
        }

        var vector = database.GetVector(productId) ?? throw new ProductNotFoundException(productId);
        var query = state.Head is { RetrievalSpace: RetrievalSpace.Hidden } trained ? trained.Head.Embed(vector) : vector;
        return state.Snapshot.Search(query, request, excludeId: productId);
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
            return Load().Snapshot.Count;
        }
        catch (CatalogEmptyException)
        {
            return 0;
        }
    }

    /// <summary>Drops the cached snapshot and head so the next search sees the current catalog.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            _state = null;
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

    private State Load()
    {
        lock (_gate)
        {
            if (_state is not null)
            {
                return _state;
            }

            var profile = database.GetEmbeddingProfile() ?? throw new CatalogEmptyException(database.Path);
            var head = TrainedHead.Load(TrainedHead.PathFor(database.Path));
            if (head is not null && (head.EmbeddingFingerprint != profile.Fingerprint || head.Head.InputSize != profile.Dimension))
            {
                head = null; // trained for another model: `lookbook train` again
            }

            var snapshot = LoadSnapshot(profile, head);
            if (snapshot.Count == 0)
            {
                throw new CatalogEmptyException(database.Path);
            }

            _state = new State(snapshot, head);
            return _state;
        }
    }

    private CatalogSnapshot LoadSnapshot(StoredEmbeddingProfile profile, TrainedHead? head)
    {
        Func<float[], float[]>? project = head is { RetrievalSpace: RetrievalSpace.Hidden } ? v => head.Head.Embed(v) : null;
        var dimension = project is null ? profile.Dimension : head!.Head.HiddenSize;
        if (!_indexSettings.UsesApproximate(database.CountVectors()))
        {
            LastIndexUpdate = null;
            return SnapshotLoader.Load(database, profile.Dimension, project, dimension);
        }

        // Projected vectors belong to one head: another head (or none) means another index.
        var space = project is null ? profile.Fingerprint : $"{profile.Fingerprint}+head@{head!.TrainedAt.ToUnixTimeMilliseconds()}";
        var (index, update) = ApproximateIndexStore.Open(database, space, dimension, project, _indexSettings.ToHnswOptions());
        LastIndexUpdate = update;
        return new CatalogSnapshot(database.ReadAllProducts(), index, isApproximate: true);
    }

    private sealed record State(CatalogSnapshot Snapshot, TrainedHead? Head);
}

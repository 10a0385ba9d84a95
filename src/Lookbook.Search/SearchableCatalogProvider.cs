using System.Diagnostics;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Lookbook.Learning;
using Lookbook.Vision.Embedding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lookbook.Search;

/// <summary>What a refresh did to the searchable catalog.</summary>
public enum CatalogRefresh
{
    /// <summary>Nothing changed in the store since the catalog was built.</summary>
    Unchanged,

    /// <summary>The index was brought up to date in place and the products re-read.</summary>
    CaughtUp,

    /// <summary>A new catalog was built (first load, another model or head, a requested reload); a saved graph is re-opened.</summary>
    Rebuilt,

    /// <summary>The store has no indexed products any more (a catalog that was never loaded stays <see cref="Unchanged"/>).</summary>
    Emptied,
}

/// <summary>What a provider serves: how many products are indexed, in which kind of index, and its last update.</summary>
public sealed record CatalogState(int Products, bool Approximate, IndexUpdate? LastUpdate)
{
    public string IndexKind => Approximate ? "approximate (HNSW)" : "exact";
}

/// <summary>
/// Owns the one <see cref="SearchableCatalog"/> that searches read. <see cref="Acquire"/> hands out the current catalog;
/// <see cref="Refresh"/> builds a successor outside any lock searches take, swaps it in atomically and disposes the
/// old one when its last search ends. Small changes are caught up in place; another model, another head or a
/// requested reload build a new catalog. Only the very first load makes a search wait: later, a catalog that is
/// empty answers at once, and a server's <c>CatalogRefresher</c> notices when products arrive.
/// </summary>
public sealed class SearchableCatalogProvider : IDisposable
{
    private readonly CatalogDatabase _database;
    private readonly IndexOptions _options;
    private readonly ILogger _logger;

    // A saved graph is rewritten after a catch-up at most this often: a save costs in proportion to the whole catalog, and
    // an older saved graph is only caught up a little more at the next start.
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMinutes(1);

    // One refresh at a time; searches never take it (except the first load, when there is nothing to search yet).
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly SemaphoreSlim _refreshRequested = new(0, 1);
    private CatalogHolder? _current;
    private volatile bool _loadedOnce;
    private long _lastSaveTimestamp;
    private bool _disposed;

    /// <param name="options">The index settings (defaults when null, e.g. in a tool without a host).</param>
    public SearchableCatalogProvider(CatalogDatabase database, IOptions<IndexOptions>? options = null, ILogger<SearchableCatalogProvider>? logger = null)
    {
        _database = database;
        _options = options?.Value ?? new IndexOptions();
        _logger = logger ?? NullLogger<SearchableCatalogProvider>.Instance;
    }

    /// <summary>The catalog database this provider serves.</summary>
    public CatalogDatabase Database => _database;

    /// <summary>What the last refresh that changed something did to the index.</summary>
    public IndexUpdate? LastUpdate { get; private set; }

    /// <summary>The description of the model the current catalog's vectors were made with, or "none".</summary>
    public string ModelDescription => Volatile.Read(ref _current)?.Catalog.Profile?.Description ?? _database.GetEmbeddingProfile()?.Description ?? "none";

    /// <summary>What is being served, without loading anything: null before the first load or while the catalog is empty.</summary>
    public CatalogState? Loaded => Volatile.Read(ref _current)?.Catalog is { } catalog
        ? new CatalogState(catalog.Count, catalog.IsApproximate, LastUpdate)
        : null;

    /// <summary>
    /// The current catalog, held until the lease is disposed. Loads it on first use; throws
    /// <see cref="CatalogEmptyException"/> when nothing is indexed.
    /// </summary>
    public CatalogLease Acquire()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            var holder = Volatile.Read(ref _current);
            if (holder is null)
            {
                if (!_loadedOnce)
                {
                    Refresh(); // the first load: there is nothing to search before it
                }

                if (Volatile.Read(ref _current) is null)
                {
                    throw new CatalogEmptyException(_database.Path);
                }

                continue;
            }

            if (holder.TryAddReference())
            {
                return new CatalogLease(holder);
            }
        }
    }

    /// <summary>
    /// Takes products out of the current catalog's index now (a delete through the API), without waiting for a refresh;
    /// the next refresh catches the rest of the catalog up.
    /// </summary>
    public void Remove(IReadOnlyCollection<string> productIds)
    {
        if (Volatile.Read(ref _current) is null)
        {
            return;
        }

        using var lease = Acquire();
        foreach (var id in productIds)
        {
            lease.Catalog.Index.Remove(id);
        }

        RequestRefresh();
    }

    /// <summary>Asks the server's refresher to look for changes now rather than at its next tick.</summary>
    public void RequestRefresh()
    {
        try
        {
            _refreshRequested.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already requested: one refresh covers both.
        }
    }

    /// <summary>Completes when <see cref="RequestRefresh"/> is called (for the refresher's loop).</summary>
    public Task WaitForRefreshRequestAsync(CancellationToken cancellationToken) => _refreshRequested.WaitAsync(cancellationToken);

    /// <summary>
    /// Brings the catalog up to date with the store: nothing when the store's revision and the head file are unchanged,
    /// an in-place catch-up for changed or deleted products, a rebuild for another model or head (or when
    /// <paramref name="rebuild"/> is set). Searches go on meanwhile with the catalog they hold.
    /// </summary>
    public CatalogRefresh Refresh(bool rebuild = false, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _refresh.Wait(cancellationToken);
        try
        {
            var current = Volatile.Read(ref _current);
            var revision = _database.GetEmbeddingRevision();
            var head = HeadStamp.Of(_database.Files.Head);
            if (current is not null && !rebuild && revision == current.Catalog.Revision && head == current.Build.Head)
            {
                return CatalogRefresh.Unchanged;
            }

            var profile = _database.GetEmbeddingProfile();
            var vectors = _database.CountVectors();
            if (profile is null || vectors == 0)
            {
                Publish(null);
                return current is null ? CatalogRefresh.Unchanged : CatalogRefresh.Emptied;
            }

            // A revision that went back means another database under the same name: nothing of the old one is reusable.
            var sameSpace = current is not null && !rebuild && head == current.Build.Head && revision > current.Catalog.Revision
                && profile.Fingerprint == current.Catalog.Profile?.Fingerprint
                && _options.UsesApproximate(vectors) == current.Catalog.IsApproximate;
            if (sameSpace && TryCatchUp(current!, cancellationToken))
            {
                return CatalogRefresh.CaughtUp;
            }

            Publish(Build(profile, head, cancellationToken));
            return CatalogRefresh.Rebuilt;
        }
        finally
        {
            _loadedOnce = true;
            _refresh.Release();
        }
    }

    private bool TryCatchUp(CatalogHolder current, CancellationToken cancellationToken)
    {
        var build = current.Build;
        var save = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastSaveTimestamp)) >= SaveInterval;
        var (revision, update) = IndexOpener.CatchUp(build.Index, _database, build.Space, current.Catalog.Revision, save, cancellationToken);
        if (update.SaveFailure is { } failure)
        {
            _logger.LogWarning("Could not save the caught-up index beside the catalog ({Problem}); the next start catches up from the last save", failure);
        }
        else if (save)
        {
            Interlocked.Exchange(ref _lastSaveTimestamp, Stopwatch.GetTimestamp());
        }

        if (build.Index is { IsApproximate: true } && build.Index.Index.Read(index => ((HnswVectorIndex)index).UnusedSlots > index.Count))
        {
            return false; // more dead graph slots than live vectors: a fresh graph is smaller and faster
        }

        var successor = current.Catalog.Succeed(_database.ReadAllProducts(cancellationToken), revision);
        LastUpdate = update;
        _logger.LogInformation("Catalog caught up to revision {Revision} in {ElapsedMs} ms: {Added} vectors added or replaced, {Removed} removed, {Count} searchable",
            revision, (long)update.Elapsed.TotalMilliseconds, update.Added, update.Removed, update.Count);
        Publish(new CatalogHolder(successor, build));
        return true;
    }

    private CatalogHolder Build(EmbeddingProfile profile, HeadStamp? headStamp, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var head = TrainedHead.Load(_database.Files.Head);
        if (head is not null && (head.EmbeddingFingerprint != profile.Fingerprint || head.Head.InputSize != profile.Dimension))
        {
            head = null; // trained for another model: `lookbook train` again
        }

        // Projected vectors belong to one head: another head (or none) means another index.
        var space = head is { RetrievalSpace: not RetrievalSpace.Raw }
            ? new IndexSpace($"{profile.Fingerprint}+{head.RetrievalSpace.ToString().ToLowerInvariant()}@{head.TrainedAt.ToUnixTimeMilliseconds()}",
                profile.Dimension, head.SearchDimension, head.ToSearchSpace)
            : new IndexSpace(profile.Fingerprint, profile.Dimension, profile.Dimension);
        var opened = IndexOpener.Open(_database, space, _options, cancellationToken);
        try
        {
            var catalog = new SearchableCatalog(_database.ReadAllProducts(cancellationToken), opened.Index, opened.IsApproximate, head, profile, opened.Revision);
            LastUpdate = opened.IsApproximate ? opened.Update : null;
            _logger.LogInformation("Catalog built in {ElapsedMs} ms: {Count} searchable products, {Index} index, head {Head}, revision {Revision}",
                clock.ElapsedMilliseconds, catalog.Count, opened.IsApproximate ? "approximate (HNSW)" : "exact",
                head is null ? "none" : head.TrainedAt.ToString("u"), opened.Revision);
            return new CatalogHolder(catalog, new CatalogBuild(opened, space, headStamp));
        }
        catch
        {
            opened.Index.Dispose();
            throw;
        }
    }

    private void Publish(CatalogHolder? next) => Interlocked.Exchange(ref _current, next)?.Release();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Publish(null);
        _refresh.Dispose();
        _refreshRequested.Dispose();
    }
}

/// <summary>How a catalog's index was built: what a catch-up needs to extend it.</summary>
internal sealed record CatalogBuild(OpenedIndex Index, IndexSpace Space, HeadStamp? Head);

/// <summary>The trained head's file as last seen: a retrained (or deleted) head changes it.</summary>
internal sealed record HeadStamp(DateTime WrittenAtUtc, long Length)
{
    public static HeadStamp? Of(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? new HeadStamp(file.LastWriteTimeUtc, file.Length) : null;
    }
}

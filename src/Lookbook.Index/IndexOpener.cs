using System.Diagnostics;

namespace Lookbook.Index;

/// <summary>
/// Opens the index a catalog's searches go through and keeps it up to date. Small catalogs get an exact scan
/// built from the store; large ones (see <see cref="IndexOptions.UsesApproximate"/>) the HNSW graph saved beside
/// the database, caught up with the store (see <see cref="ApproximateIndexStore"/>). The store is the source of
/// truth: everything here can be rebuilt from it.
/// </summary>
public static class IndexOpener
{
    // Vectors per write batch. A live index is locked for one batch at a time, so searches interleave: 64 HNSW inserts
    // take ~10 ms on two cores. An index nobody searches yet takes large batches, which parallelise better.
    private const int LiveBatch = 64;
    private const int BuildBatch = 50_000;

    public static OpenedIndex Open(IVectorSource source, IndexSpace space, IndexOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        if (options.UsesApproximate(source.CountVectors()))
        {
            var (graph, revision, update) = ApproximateIndexStore.Open(source, space, options.ToHnswOptions(), cancellationToken);
            return new OpenedIndex(new SynchronizedVectorIndex(graph), IsApproximate: true, revision, update);
        }

        var exactRevision = source.GetEmbeddingRevision(); // read first: a write racing with us is caught next time
        var exact = new ExactVectorIndex(space.Dimension, initialCapacity: 4096);
        try
        {
            foreach (var stored in source.ReadVectors(cancellationToken))
            {
                exact.Upsert(stored.ProductId, space.Map(stored));
            }
        }
        catch
        {
            exact.Dispose();
            throw;
        }

        var opened = new IndexUpdate(Rebuilt: true, exact.Count, 0, exact.Count, clock.Elapsed);
        return new OpenedIndex(new SynchronizedVectorIndex(exact), IsApproximate: false, exactRevision, opened);
    }

    /// <summary>
    /// Brings a live index from <paramref name="fromRevision"/> up to the store's current revision in place: changed
    /// vectors upserted and vectors of deleted products removed, in batches that searches can run between. With
    /// <paramref name="save"/>, a graph is saved again so the next start does not redo the work; a save that fails (a full
    /// disk) is reported in the update, not thrown: the index in memory is right, and the saved one is only older.
    /// </summary>
    public static (long Revision, IndexUpdate Update) CatchUp(
        OpenedIndex opened, IVectorSource source, IndexSpace space, long fromRevision, bool save = true, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var revision = source.GetEmbeddingRevision();
        var (added, removed) = Apply(opened.Index, source, space, fromRevision, cancellationToken, LiveBatch);
        string? saveFailure = null;
        if (save && opened.IsApproximate && (added > 0 || removed > 0))
        {
            try
            {
                opened.Index.Read(index => ApproximateIndexStore.Save((HnswVectorIndex)index, source.Files, space, revision));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                saveFailure = e.Message;
            }
        }

        return (revision, new IndexUpdate(false, added, removed, opened.Index.Count, clock.Elapsed) { SaveFailure = saveFailure });
    }

    /// <summary>Upserts what changed after <paramref name="fromRevision"/> and removes what left the store.</summary>
    internal static (int Added, int Removed) Apply(
        IVectorIndex index, IVectorSource source, IndexSpace space, long fromRevision, CancellationToken cancellationToken, int batch = BuildBatch)
    {
        var added = 0;
        foreach (var chunk in source.ReadVectorsChangedSince(fromRevision, cancellationToken).Chunk(batch))
        {
            var items = chunk.Select(v => (v.ProductId, space.Map(v))).ToList();
            if (index is SynchronizedVectorIndex synchronized)
            {
                synchronized.UpsertMany(items);
            }
            else if (index is HnswVectorIndex graph)
            {
                graph.UpsertMany(items);
            }
            else
            {
                items.ForEach(item => index.Upsert(item.ProductId, item.Item2));
            }

            added += chunk.Length;
        }

        if (fromRevision < 0)
        {
            return (added, 0); // a build from scratch has nothing to remove
        }

        var current = source.ReadEmbeddedIds();
        var gone = index.Keys.Where(id => !current.Contains(id)).ToList();
        foreach (var id in gone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            index.Remove(id);
        }

        return (added, gone.Count);
    }
}

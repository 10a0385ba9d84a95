using System.Diagnostics;
using System.Text.Json;

namespace Lookbook.Index;

/// <summary>
/// The HNSW graph saved beside the database (<see cref="CatalogFiles.Hnsw"/>, its key table and a manifest). Opening it
/// catches up with the store: vectors written since the saved revision are upserted, vectors of deleted products
/// removed, and the result saved again — so imports and deletions cost work in proportion to the change, and a crash
/// at any point is repaired by the next open (the store is the source of truth).
/// </summary>
public static class ApproximateIndexStore
{
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static (HnswVectorIndex Index, long Revision, IndexUpdate Update) Open(
        IVectorSource source, IndexSpace space, HnswOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var files = source.Files;
        var wanted = ManifestFor(space, options, revision: 0, count: 0);
        var saved = ReadManifest(files);
        var revision = source.GetEmbeddingRevision(); // read first: a write racing with us is caught next time
        // A saved revision beyond the store's belongs to another database under the same name.
        if (saved is not null && saved with { Revision = 0, Count = 0 } == wanted && saved.Revision <= revision
            && TryLoad(files, space.Dimension, options) is { } index)
        {
            try
            {
                var (added, removed) = IndexOpener.Apply(index, source, space, saved.Revision, cancellationToken);
                if (index.UnusedSlots <= index.Count)
                {
                    if (added > 0 || removed > 0 || saved.Revision != revision)
                    {
                        Save(index, files, wanted with { Revision = revision, Count = index.Count });
                    }

                    return (index, revision, new IndexUpdate(false, added, removed, index.Count, clock.Elapsed));
                }
            }
            catch
            {
                index.Dispose();
                throw;
            }

            // More dead slots than live vectors (a re-index, heavy churn): a fresh graph is smaller and faster.
            index.Dispose();
        }

        var built = Build(source, space, options, cancellationToken);
        try
        {
            Save(built, files, wanted with { Revision = revision, Count = built.Count });
        }
        catch
        {
            built.Dispose();
            throw;
        }

        return (built, revision, new IndexUpdate(true, built.Count, 0, built.Count, clock.Elapsed));
    }

    /// <summary>Saves a live graph that holds the store's vectors up to <paramref name="revision"/>.</summary>
    public static void Save(HnswVectorIndex index, CatalogFiles files, IndexSpace space, long revision) =>
        Save(index, files, ManifestFor(space, index.Options, revision, index.Count));

    private static HnswVectorIndex Build(IVectorSource source, IndexSpace space, HnswOptions options, CancellationToken cancellationToken)
    {
        var built = HnswVectorIndex.Create(space.Dimension, options);
        try
        {
            IndexOpener.Apply(built, source, space, fromRevision: -1, cancellationToken);
            return built;
        }
        catch
        {
            built.Dispose();
            throw;
        }
    }

    private static HnswVectorIndex? TryLoad(CatalogFiles files, int dimension, HnswOptions options)
    {
        try
        {
            return HnswVectorIndex.Load(files.Hnsw, dimension, options);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
        {
            return null; // damaged or half-written: rebuilt from the store
        }
    }

    private static void Save(HnswVectorIndex index, CatalogFiles files, Manifest manifest)
    {
        // The manifest goes last and names the revision the files hold; without it the files are not trusted.
        File.Delete(files.HnswManifest);
        index.Save(files.Hnsw);
        var temporary = $"{files.HnswManifest}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, JsonOptions));
        File.Move(temporary, files.HnswManifest, overwrite: true);
    }

    private static Manifest? ReadManifest(CatalogFiles files)
    {
        try
        {
            return File.Exists(files.HnswManifest) ? JsonSerializer.Deserialize<Manifest>(File.ReadAllText(files.HnswManifest), JsonOptions) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Manifest ManifestFor(IndexSpace space, HnswOptions options, long revision, int count) =>
        new(FormatVersion, space.Id, space.Dimension, options.Storage, options.Connectivity, options.ExpansionAdd, revision, count);

    private sealed record Manifest(
        int Format, string Space, int Dimension, HnswStorage Storage, int Connectivity, int ExpansionAdd, long Revision, int Count);
}

using System.Diagnostics;
using System.Text.Json;
using Lookbook.Ann;
using Lookbook.Storage;

namespace Lookbook.Engine.Search;

/// <summary>What opening the approximate index did.</summary>
/// <param name="Rebuilt">Built from every vector (no saved index, or one for another model, head or setting).</param>
/// <param name="Added">Vectors added or replaced since the saved index.</param>
/// <param name="Removed">Vectors of products that left the catalog.</param>
public sealed record IndexUpdate(bool Rebuilt, int Added, int Removed, int Count, TimeSpan Elapsed);

/// <summary>
/// The HNSW index saved beside the database (<c>CATALOG.db.hnsw</c>, its key table and a manifest). Opening it
/// catches up with the database: vectors written since the saved revision are upserted, vectors of deleted
/// products removed, and the result saved again — so imports and deletions cost work in proportion to the
/// change, and a crash at any point is repaired by the next open (the database is the source of truth).
/// </summary>
public static class ApproximateIndexStore
{
    private const int FormatVersion = 1;
    private const int Chunk = 50_000;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathFor(string databasePath) => databasePath + ".hnsw";

    /// <param name="space">Identifies the vectors' space (model fingerprint, and the head when vectors are projected): another space means a rebuild.</param>
    public static (HnswVectorIndex Index, IndexUpdate Update) Open(
        CatalogDatabase database, string space, int dimension, Func<float[], float[]>? project, HnswOptions options)
    {
        var clock = Stopwatch.StartNew();
        var path = PathFor(database.Path);
        var wanted = new Manifest(FormatVersion, space, dimension, options.Storage, options.Connectivity, options.ExpansionAdd, Revision: 0, Count: 0);
        var saved = ReadManifest(path);
        var revision = database.GetEmbeddingRevision(); // read first: a write racing with us is caught next time
        if (saved is not null && saved with { Revision = 0, Count = 0 } == wanted && TryLoad(path, dimension, options) is { } index)
        {
            var added = Upsert(index, database.ReadVectorsChangedSince(saved.Revision), project);
            var current = database.ReadEmbeddedIds();
            var gone = index.Ids.Where(id => !current.Contains(id)).ToList();
            gone.ForEach(id => index.Remove(id));
            if (index.UnusedSlots <= index.Count)
            {
                if (added > 0 || gone.Count > 0 || saved.Revision != revision)
                {
                    Save(index, path, wanted with { Revision = revision, Count = index.Count });
                }

                return (index, new IndexUpdate(false, added, gone.Count, index.Count, clock.Elapsed));
            }

            // More dead slots than live vectors (a re-index, heavy churn): a fresh graph is smaller and faster.
        }

        var built = HnswVectorIndex.Create(dimension, options);
        Upsert(built, database.ReadVectors(), project);
        Save(built, path, wanted with { Revision = revision, Count = built.Count });
        return (built, new IndexUpdate(true, built.Count, 0, built.Count, clock.Elapsed));
    }

    private static int Upsert(HnswVectorIndex index, IEnumerable<StoredVector> vectors, Func<float[], float[]>? project)
    {
        var count = 0;
        foreach (var chunk in vectors.Chunk(Chunk))
        {
            index.UpsertMany(chunk.Select(v => (v.ProductId, project is null ? v.Vector : project(v.Vector))).ToList());
            count += chunk.Length;
        }

        return count;
    }

    private static HnswVectorIndex? TryLoad(string path, int dimension, HnswOptions options)
    {
        try
        {
            return HnswVectorIndex.Load(path, dimension, options);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
        {
            return null; // damaged or half-written: rebuilt from the database
        }
    }

    private static void Save(HnswVectorIndex index, string path, Manifest manifest)
    {
        // The manifest goes last and names the revision the files hold; without it the files are not trusted.
        File.Delete(ManifestPath(path));
        index.Save(path);
        var temporary = $"{ManifestPath(path)}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(manifest, JsonOptions));
        File.Move(temporary, ManifestPath(path), overwrite: true);
    }

    private static Manifest? ReadManifest(string path)
    {
        try
        {
            return File.Exists(ManifestPath(path)) ? JsonSerializer.Deserialize<Manifest>(File.ReadAllText(ManifestPath(path)), JsonOptions) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ManifestPath(string path) => path + ".json";

    private sealed record Manifest(
        int Format, string Space, int Dimension, HnswStorage Storage, int Connectivity, int ExpansionAdd, long Revision, int Count);
}

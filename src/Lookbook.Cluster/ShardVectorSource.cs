using Lookbook.Catalog.Storage;
using Lookbook.Index;

namespace Lookbook.Cluster;

/// <summary>
/// One shard's view of the shared catalog, as an index's vector source: the vectors of the products that hash to the
/// shard, the catalog's revision (so the shard's index catches up with what changed, as a single node's does), and its
/// files on this silo's disk (<c>{DatabasePath}.shard-{n}-of-{N}</c>: a shard's HNSW graph is saved there and reopened
/// when the shard activates on this silo again). The store reads every vector and keeps the shard's: one query per
/// catalog read, N shards read it N times (filtering in SQL needs a stored shard key; see docs/scaling.md).
/// </summary>
internal sealed class ShardVectorSource : IVectorSource
{
    private readonly CatalogDatabase _catalog;
    private readonly int _shard;
    private readonly int _shards;

    public ShardVectorSource(CatalogDatabase catalog, string localDatabasePath, int shard, int shards)
    {
        (_catalog, _shard, _shards) = (catalog, shard, shards);
        Files = new CatalogFiles($"{localDatabasePath}.shard-{shard}-of-{shards}");
        // A PostgreSQL catalog has no file of its own here: the folder for the shards' graphs may not exist yet.
        Directory.CreateDirectory(Path.GetDirectoryName(Files.Hnsw)!);
    }

    public CatalogFiles Files { get; }

    public long GetEmbeddingRevision() => _catalog.GetEmbeddingRevision();

    public int CountVectors() => ReadEmbeddedIds().Count;

    public IEnumerable<StoredVector> ReadVectors(CancellationToken cancellationToken = default) => Mine(_catalog.ReadVectors(cancellationToken));

    public IEnumerable<StoredVector> ReadVectorsChangedSince(long revision, CancellationToken cancellationToken = default) =>
        Mine(_catalog.ReadVectorsChangedSince(revision, cancellationToken));

    public HashSet<string> ReadEmbeddedIds()
    {
        var ids = _catalog.ReadEmbeddedIds();
        ids.RemoveWhere(id => ShardMap.ShardOf(id, _shards) != _shard);
        return ids;
    }

    private IEnumerable<StoredVector> Mine(IEnumerable<StoredVector> vectors) => vectors.Where(v => ShardMap.ShardOf(v.ProductId, _shards) == _shard);
}

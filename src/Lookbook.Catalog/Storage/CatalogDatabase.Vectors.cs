using Dapper;
using Lookbook.Index;
using System.Data.Common;

namespace Lookbook.Catalog.Storage;

/// <summary>Vectors and the catalog revision that stamps every write (what an index catches up from).</summary>
public sealed partial class CatalogDatabase
{
    /// <summary>Stores vectors for existing products (re-indexing).</summary>
    public void SaveVectors(IReadOnlyList<(string ProductId, float[] Vector)> vectors)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var revision = NextRevision(connection, transaction);
        foreach (var (id, vector) in vectors)
        {
            UpsertVector(connection, transaction, id, vector, revision);
        }

        transaction.Commit();
    }

    private static void UpsertVector(DbConnection connection, DbTransaction transaction, string id, float[] vector, long revision) =>
        connection.Execute(
            """
            INSERT INTO embeddings(product_id, vector, revision) VALUES (@id, @vector, @revision)
            ON CONFLICT(product_id) DO UPDATE SET vector = excluded.vector, revision = excluded.revision
            """,
            new { id, vector = VectorMath.ToBytes(vector), revision },
            transaction);

    /// <summary>
    /// Bumps and returns the catalog revision: every write of products or vectors moves it (and stamps the vectors it
    /// writes), it never goes back (not even by <see cref="ResetEmbeddings"/>), so a process serving the catalog
    /// compares one number to know whether anything changed.
    /// </summary>
    private static long NextRevision(DbConnection connection, DbTransaction transaction) =>
        connection.ExecuteScalar<long>(
            """
            INSERT INTO meta(key, value) VALUES ('embedding.revision', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)
            RETURNING CAST(value AS BIGINT)
            """,
            transaction: transaction);

    /// <summary>The revision of the latest write of products or vectors (0 before any).</summary>
    public long GetEmbeddingRevision()
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long?>("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'embedding.revision'") ?? 0;
    }

    /// <summary>Vectors written after <paramref name="revision"/> (new or re-embedded products).</summary>
    public IEnumerable<StoredVector> ReadVectorsChangedSince(long revision, CancellationToken cancellationToken = default) =>
        ReadVectorsWhere("e.revision > @revision", new { revision }, cancellationToken);

    /// <summary>How many products have a vector.</summary>
    public int CountVectors()
    {
        using var connection = Connect();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM embeddings");
    }

    /// <summary>Ids of every product that has a vector.</summary>
    public HashSet<string> ReadEmbeddedIds()
    {
        using var connection = Connect();
        return connection.Query<string>("SELECT product_id FROM embeddings").ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Streams every vector with its product's category (to build a search index).</summary>
    public IEnumerable<StoredVector> ReadVectors(CancellationToken cancellationToken = default) => ReadVectorsWhere("1 = 1", null, cancellationToken);

    private IEnumerable<StoredVector> ReadVectorsWhere(string condition, object? parameters, CancellationToken cancellationToken)
    {
        using var connection = Connect();
        foreach (var row in connection.Query<(string Id, string Category, byte[] Vector)>(
                     $"SELECT p.id, p.category, e.vector FROM embeddings e JOIN products p ON p.id = e.product_id WHERE {condition} ORDER BY {_dialect.InsertionOrder("p")}",
                     parameters,
                     buffered: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new StoredVector(row.Id, row.Category, VectorMath.FromBytes(row.Vector));
        }
    }

    /// <summary>The stored vector of one product, or null.</summary>
    public float[]? GetVector(string productId)
    {
        using var connection = Connect();
        var bytes = connection.QuerySingleOrDefault<byte[]>("SELECT vector FROM embeddings WHERE product_id = @productId", new { productId });
        return bytes is null ? null : VectorMath.FromBytes(bytes);
    }
}

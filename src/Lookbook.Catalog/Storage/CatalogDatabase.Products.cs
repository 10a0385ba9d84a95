using System.Globalization;
using System.Text.Json;
using Dapper;
using Lookbook.Index;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Storage;

/// <summary>Products, their images and vectors.</summary>
public sealed partial class CatalogDatabase
{
    /// <summary>
    /// Image and metadata hashes of every product, by id. Ids are global: a product that moved to
    /// another source (say, the same files in another folder) is recognised and not re-embedded.
    /// </summary>
    public Dictionary<string, StoredItemState> GetItemStates()
    {
        using var connection = Connect();
        return connection.Query<(string Id, string Source, string ImageHash, string MetadataHash, long HasEmbedding)>(
                """
                SELECT p.id, p.source, p.image_hash, p.metadata_hash, e.product_id IS NOT NULL
                FROM products p LEFT JOIN embeddings e ON e.product_id = p.id
                """)
            .ToDictionary(r => r.Id, r => new StoredItemState(r.Source, r.ImageHash, r.MetadataHash, r.HasEmbedding != 0), StringComparer.Ordinal);
    }

    /// <summary>
    /// Inserts or updates products in one transaction, each with its vector when it has a new one
    /// (null keeps the stored vector: only the metadata changed).
    /// </summary>
    public void SaveProducts(IReadOnlyList<(ProductRecord Product, float[]? Vector)> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        // Every change of the catalog moves the revision, so a serving process sees it (metadata changes too).
        var revision = NextRevision(connection, transaction);
        foreach (var (product, vector) in items)
        {
            // An upsert, not INSERT OR REPLACE: a replace deletes the row first and would cascade to its vector.
            connection.Execute(
                """
                INSERT INTO products(id, source, title, category, attributes, metadata_hash, image_hash, image_path,
                                     image_bytes, image_format, image_width, image_height, updated_at)
                VALUES (@Id, @Source, @Title, @Category, @Attributes, @MetadataHash, @ImageHash, @ImagePath,
                        @ImageBytes, @ImageFormat, @ImageWidth, @ImageHeight, @Now)
                ON CONFLICT(id) DO UPDATE SET
                    source = excluded.source, title = excluded.title, category = excluded.category,
                    attributes = excluded.attributes, metadata_hash = excluded.metadata_hash,
                    image_hash = excluded.image_hash, image_path = excluded.image_path, image_bytes = excluded.image_bytes,
                    image_format = excluded.image_format, image_width = excluded.image_width,
                    image_height = excluded.image_height, updated_at = excluded.updated_at
                """,
                new
                {
                    product.Id, product.Source, product.Title, product.Category,
                    Attributes = JsonSerializer.Serialize(product.Attributes),
                    product.MetadataHash, product.ImageHash, product.ImagePath, product.ImageBytes,
                    product.ImageFormat, product.ImageWidth, product.ImageHeight, Now = now,
                },
                transaction);
            if (vector is not null)
            {
                UpsertVector(connection, transaction, product.Id, vector, revision);
            }
        }

        transaction.Commit();
    }

    /// <summary>Updates title, category and attributes of products whose image did not change (no re-embed).</summary>
    public void UpdateMetadata(IReadOnlyList<ProductMetadata> products)
    {
        if (products.Count == 0)
        {
            return;
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        connection.Execute(
            """
            UPDATE products SET source = @Source, title = @Title, category = @Category, attributes = @Attributes,
                   metadata_hash = @MetadataHash, updated_at = @Now
            WHERE id = @Id
            """,
            products.Select(p => new { p.Id, p.Source, p.Title, p.Category, Attributes = JsonSerializer.Serialize(p.Attributes), p.MetadataHash, Now = now }),
            transaction);
        NextRevision(connection, transaction);
        transaction.Commit();
    }

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

    private static void UpsertVector(SqliteConnection connection, SqliteTransaction transaction, string id, float[] vector, long revision) =>
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
    private static long NextRevision(SqliteConnection connection, SqliteTransaction transaction) =>
        connection.ExecuteScalar<long>(
            """
            INSERT INTO meta(key, value) VALUES ('embedding.revision', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
            RETURNING CAST(value AS INTEGER)
            """,
            transaction: transaction);

    /// <summary>The revision of the latest write of products or vectors (0 before any).</summary>
    public long GetEmbeddingRevision()
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long?>("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'embedding.revision'") ?? 0;
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

    /// <summary>Deletes products (and, by cascade, their vectors); returns how many existed.</summary>
    public int DeleteProducts(IReadOnlyCollection<string> ids)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var deleted = 0;
        foreach (var chunk in ids.Chunk(DeleteChunk))
        {
            deleted += connection.Execute("DELETE FROM products WHERE id IN @chunk", new { chunk }, transaction);
        }

        if (deleted > 0)
        {
            NextRevision(connection, transaction);
        }

        transaction.Commit();
        return deleted;
    }

    public Product? GetProduct(string id) => GetProducts([id]) is [var product] ? product : null;

    /// <summary>The products with these ids, in no particular order; unknown ids are left out.</summary>
    public IReadOnlyList<Product> GetProducts(IReadOnlyCollection<string> ids)
    {
        using var connection = Connect();
        var products = new List<Product>(ids.Count);
        foreach (var chunk in ids.Chunk(DeleteChunk))
        {
            products.AddRange(connection.Query<(string Id, string Title, string Category, string Attributes)>(
                    "SELECT id, title, category, attributes FROM products WHERE id IN @chunk", new { chunk })
                .Select(r => new Product(r.Id, r.Title, r.Category,
                    JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? [])));
        }

        return products;
    }

    /// <summary>Every product (for the in-memory search snapshot).</summary>
    public IEnumerable<Product> ReadAllProducts()
    {
        using var connection = Connect();
        foreach (var r in connection.Query<(string Id, string Title, string Category, string Attributes)>(
                     "SELECT id, title, category, attributes FROM products ORDER BY rowid", buffered: false))
        {
            yield return new Product(r.Id, r.Title, r.Category, JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? []);
        }
    }

    public StoredImage? GetImage(string productId)
    {
        using var connection = Connect();
        var row = connection.QuerySingleOrDefault<(string Id, string? Path, byte[]? Bytes, string Format, string Hash, long Width, long Height)>(
            "SELECT id, image_path, image_bytes, image_format, image_hash, image_width, image_height FROM products WHERE id = @productId",
            new { productId });
        return row.Id is null ? null : new StoredImage(row.Id, row.Path, row.Bytes, row.Format)
        {
            Hash = row.Hash,
            Width = (int)row.Width,
            Height = (int)row.Height,
        };
    }

    /// <summary>
    /// A page of products ordered by id, optionally of one category (case-insensitive) and containing
    /// <paramref name="text"/> in the title or an attribute value.
    /// </summary>
    public ProductPage ListProducts(int offset, int limit, string? category = null, string? text = null)
    {
        using var connection = Connect();
        var where = new List<string>();
        if (category is not null)
        {
            where.Add("category = @category COLLATE NOCASE");
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            where.Add("(title LIKE @pattern ESCAPE '\\' OR attributes LIKE @pattern ESCAPE '\\')");
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        var parameters = new
        {
            category,
            pattern = "%" + (text ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%",
            offset,
            limit,
        };
        var total = connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM products {filter}", parameters);
        var items = connection.Query<(string Id, string Title, string Category, string Attributes)>(
                $"SELECT id, title, category, attributes FROM products {filter} ORDER BY id LIMIT @limit OFFSET @offset", parameters)
            .Select(r => new Product(r.Id, r.Title, r.Category, JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? []))
            .ToList();
        return new ProductPage(items, total);
    }

    /// <summary>Up to <paramref name="count"/> product images spread evenly over the catalog (every n-th by insertion order).</summary>
    public IReadOnlyList<StoredImage> ReadImageSample(int count)
    {
        using var connection = Connect();
        var total = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM products");
        var step = Math.Max(1, total / Math.Max(1, count));
        return connection.Query<StoredImage>(
                """
                SELECT id AS ProductId, image_path AS Path, image_bytes AS Bytes, image_format AS Format
                FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY rowid) - 1 AS position FROM products)
                WHERE position % @step = 0 LIMIT @count
                """,
                new { step, count })
            .ToList();
    }

    /// <summary>Images of products that have no vector yet (after a reset or an interrupted re-index).</summary>
    public IEnumerable<StoredImage> ReadImagesWithoutVectors()
    {
        using var connection = Connect();
        foreach (var image in connection.Query<StoredImage>(
                     """
                     SELECT p.id AS ProductId, p.image_path AS Path, p.image_bytes AS Bytes, p.image_format AS Format
                     FROM products p LEFT JOIN embeddings e ON e.product_id = p.id
                     WHERE e.product_id IS NULL ORDER BY p.id
                     """,
                     buffered: false))
        {
            yield return image;
        }
    }

    public int CountProductsWithoutVectors()
    {
        using var connection = Connect();
        return connection.ExecuteScalar<int>(
            "SELECT COUNT(*) FROM products p LEFT JOIN embeddings e ON e.product_id = p.id WHERE e.product_id IS NULL");
    }

    /// <summary>Streams every vector with its product's category (to build a search index).</summary>
    public IEnumerable<StoredVector> ReadVectors(CancellationToken cancellationToken = default) => ReadVectorsWhere("1 = 1", null, cancellationToken);

    private IEnumerable<StoredVector> ReadVectorsWhere(string condition, object? parameters, CancellationToken cancellationToken)
    {
        using var connection = Connect();
        foreach (var row in connection.Query<(string Id, string Category, byte[] Vector)>(
                     $"SELECT p.id, p.category, e.vector FROM embeddings e JOIN products p ON p.id = e.product_id WHERE {condition} ORDER BY p.rowid",
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

    public CatalogStats GetStats()
    {
        using var connection = Connect();
        var categories = connection.Query<(string Category, long Count)>(
                "SELECT category, COUNT(*) FROM products GROUP BY category ORDER BY category")
            .Select(r => new CategoryCount(r.Category, (int)r.Count))
            .ToList();
        var embedded = connection.ExecuteScalar<int>("SELECT COUNT(*) FROM embeddings");
        return new CatalogStats(categories.Sum(c => c.Products), embedded, categories, GetEmbeddingProfile(), new FileInfo(Path).Length);
    }
}

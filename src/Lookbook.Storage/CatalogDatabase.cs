using System.Globalization;
using System.Text.Json;
using Dapper;
using Lookbook.Core.Catalog;
using Lookbook.Core.Search;
using Microsoft.Data.Sqlite;

namespace Lookbook.Storage;

/// <summary>
/// The catalog in one SQLite file: products, their images (or paths), vectors and import runs.
/// Every write is a transaction, so a killed process leaves the file as of its last committed batch.
/// Thread-safe: each call opens its own pooled connection; SQLite serialises writers (WAL mode lets
/// readers run alongside).
/// </summary>
public sealed class CatalogDatabase
{
    private const int DeleteChunk = 500;
    private readonly string _connectionString;

    private CatalogDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    public static CatalogDatabase Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        var database = new CatalogDatabase(fullPath);
        using var connection = database.Connect();
        // WAL: readers (search, serve) are not blocked by an import, and commits are crash-safe.
        connection.Execute("PRAGMA journal_mode = WAL;");
        Schema.Migrate(connection);
        return database;
    }

    /// <summary>
    /// A consistent copy of the whole catalog at <paramref name="path"/>, taken with SQLite's backup API
    /// (copying the file alone could miss commits still in the write-ahead log).
    /// </summary>
    public CatalogDatabase CopyTo(string path)
    {
        var target = Open(path);
        using var source = Connect();
        using var destination = target.Connect();
        source.BackupDatabase(destination);
        return target;
    }

    internal SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    // ---- Embedding profile ----

    public StoredEmbeddingProfile? GetEmbeddingProfile()
    {
        using var connection = Connect();
        var meta = connection.Query<(string Key, string Value)>("SELECT key, value FROM meta WHERE key LIKE 'embedding.%'")
            .ToDictionary(r => r.Key, r => r.Value);
        return meta.TryGetValue("embedding.fingerprint", out var fingerprint)
            ? new StoredEmbeddingProfile(fingerprint, meta["embedding.description"], int.Parse(meta["embedding.dimension"], CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>
    /// Records the configured profile on a catalog without vectors, accepts it when it matches, and
    /// throws <see cref="EmbeddingMismatchException"/> when stored vectors came from another configuration.
    /// </summary>
    public void EnsureEmbeddingProfile(StoredEmbeddingProfile configured)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var stored = GetEmbeddingProfile();
        if (stored is not null && stored.Fingerprint == configured.Fingerprint)
        {
            return;
        }

        var vectors = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM embeddings", transaction: transaction);
        if (stored is not null && vectors > 0)
        {
            throw new EmbeddingMismatchException(stored, configured.Description, Path);
        }

        WriteProfile(connection, transaction, configured);
        transaction.Commit();
    }

    /// <summary>Drops every vector and adopts <paramref name="configured"/>; products and images stay.</summary>
    public void ResetEmbeddings(StoredEmbeddingProfile configured)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute("DELETE FROM embeddings", transaction: transaction);
        WriteProfile(connection, transaction, configured);
        transaction.Commit();
    }

    private static void WriteProfile(SqliteConnection connection, SqliteTransaction transaction, StoredEmbeddingProfile profile) =>
        connection.Execute(
            "INSERT INTO meta(key, value) VALUES (@Key, @Value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            new[]
            {
                new { Key = "embedding.fingerprint", Value = profile.Fingerprint },
                new { Key = "embedding.description", Value = profile.Description },
                new { Key = "embedding.dimension", Value = profile.Dimension.ToString(CultureInfo.InvariantCulture) },
            },
            transaction);

    // ---- Products ----

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
                UpsertVector(connection, transaction, product.Id, vector);
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
        transaction.Commit();
    }

    /// <summary>Stores vectors for existing products (re-indexing).</summary>
    public void SaveVectors(IReadOnlyList<(string ProductId, float[] Vector)> vectors)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        foreach (var (id, vector) in vectors)
        {
            UpsertVector(connection, transaction, id, vector);
        }

        transaction.Commit();
    }

    private static void UpsertVector(SqliteConnection connection, SqliteTransaction transaction, string id, float[] vector) =>
        connection.Execute(
            "INSERT INTO embeddings(product_id, vector) VALUES (@id, @vector) ON CONFLICT(product_id) DO UPDATE SET vector = excluded.vector",
            new { id, vector = VectorMath.ToBytes(vector) },
            transaction);

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
    public IEnumerable<StoredVector> ReadVectors()
    {
        using var connection = Connect();
        foreach (var row in connection.Query<(string Id, string Category, byte[] Vector)>(
                     "SELECT p.id, p.category, e.vector FROM embeddings e JOIN products p ON p.id = e.product_id ORDER BY p.rowid",
                     buffered: false))
        {
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

    // ---- Import runs ----

    public long StartRun(string source)
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long>(
            "INSERT INTO import_runs(source, started_at, status) VALUES (@source, @now, 'running') RETURNING id",
            new { source, now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
    }

    public void RecordIssues(long runId, IReadOnlyCollection<ImportIssue> issues)
    {
        if (issues.Count == 0)
        {
            return;
        }

        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            "INSERT INTO import_issues(run_id, item, problem, message) VALUES (@runId, @Item, @Problem, @Message)",
            issues.Select(i => new { runId, i.Item, i.Problem, i.Message }),
            transaction);
        transaction.Commit();
    }

    public void FinishRun(long runId, string status, ImportRunCounts counts)
    {
        using var connection = Connect();
        connection.Execute(
            """
            UPDATE import_runs SET finished_at = @now, status = @status, added = @Added, updated = @Updated,
                   unchanged = @Unchanged, skipped = @Skipped, removed = @Removed
            WHERE id = @runId
            """,
            new
            {
                runId, status, counts.Added, counts.Updated, counts.Unchanged, counts.Skipped, counts.Removed,
                now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            });
    }

    /// <summary>Problems recorded for a run (for reports and tests).</summary>
    public IReadOnlyList<ImportIssue> GetIssues(long runId)
    {
        using var connection = Connect();
        return connection.Query<ImportIssue>(
            "SELECT item AS Item, problem AS Problem, message AS Message FROM import_issues WHERE run_id = @runId ORDER BY rowid",
            new { runId }).ToList();
    }
}

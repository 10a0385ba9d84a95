using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Lookbook.Index;

namespace Lookbook.Catalog.Storage;

/// <summary>Products: written by imports, read by the catalog and the API.</summary>
public sealed partial class CatalogDatabase
{
    /// <summary>
    /// Image and metadata hashes of every product, by id. Ids are global: a product that moved to
    /// another source (say, the same files in another folder) is recognised and not re-embedded.
    /// </summary>
    public Dictionary<string, StoredItemState> GetItemStates(CancellationToken cancellationToken = default)
    {
        using var connection = Connect();
        return ItemStates(connection, null, "", null, cancellationToken);
    }

    /// <summary>The states of the products whose ids a <paramref name="where"/> clause (with its parameters) selects.</summary>
    private static Dictionary<string, StoredItemState> ItemStates(
        DbConnection connection, DbTransaction? transaction, string where, object? parameters, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, StoredItemState>(StringComparer.Ordinal);
        foreach (var r in connection.Query<(string Id, string Source, string ImageHash, string MetadataHash, long HasEmbedding)>(
                     $"""
                     SELECT p.id, p.source, p.image_hash, p.metadata_hash, CAST(CASE WHEN e.product_id IS NULL THEN 0 ELSE 1 END AS BIGINT)
                     FROM products p LEFT JOIN embeddings e ON e.product_id = p.id {where}
                     """,
                     parameters, transaction, buffered: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            states[r.Id] = new StoredItemState(r.Source, r.ImageHash, r.MetadataHash, r.HasEmbedding != 0);
        }

        return states;
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
        SaveProducts(connection, transaction, items);
        transaction.Commit();
    }

    /// <summary><see cref="SaveProducts(IReadOnlyList{ValueTuple{ProductRecord, float[]}})"/> inside a transaction of the caller's.</summary>
    internal static void SaveProducts(DbConnection connection, DbTransaction transaction, IReadOnlyList<(ProductRecord Product, float[]? Vector)> items)
    {
        if (items.Count == 0)
        {
            return;
        }

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
        UpdateMetadata(connection, transaction, products);
        transaction.Commit();
    }

    /// <summary><see cref="UpdateMetadata(IReadOnlyList{ProductMetadata})"/> inside a transaction of the caller's.</summary>
    internal static void UpdateMetadata(DbConnection connection, DbTransaction transaction, IReadOnlyList<ProductMetadata> products)
    {
        if (products.Count == 0)
        {
            return;
        }

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
    }

    /// <summary>Deletes products (and, by cascade, their vectors); returns how many existed.</summary>
    public int DeleteProducts(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        var deleted = 0;
        foreach (var chunk in ids.Chunk(DeleteChunk))
        {
            cancellationToken.ThrowIfCancellationRequested(); // nothing is deleted unless all of it is
            deleted += connection.Execute($"DELETE FROM products WHERE {_dialect.In("id", "@chunk")}", new { chunk }, transaction);
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
    public IReadOnlyList<Product> GetProducts(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        using var connection = Connect();
        var products = new List<Product>(ids.Count);
        foreach (var chunk in ids.Chunk(DeleteChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            products.AddRange(connection.Query<(string Id, string Title, string Category, string Attributes)>(
                    $"SELECT id, title, category, attributes FROM products WHERE {_dialect.In("id", "@chunk")}", new { chunk })
                .Select(r => new Product(r.Id, r.Title, r.Category,
                    JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? [])));
        }

        return products;
    }

    /// <summary>Every product (for the searchable catalog in memory).</summary>
    public IEnumerable<Product> ReadAllProducts(CancellationToken cancellationToken = default)
    {
        using var connection = Connect();
        foreach (var r in connection.Query<(string Id, string Title, string Category, string Attributes)>(
                     $"SELECT id, title, category, attributes FROM products p ORDER BY {_dialect.InsertionOrder("p")}", buffered: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Product(r.Id, r.Title, r.Category, JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? []);
        }
    }

    /// <summary>
    /// A page of products, optionally of one category (case-insensitive) and matching <paramref name="text"/>: every word
    /// of it (letters and digits; a word also matches longer words it starts) in the title or an attribute value, case
    /// and diacritics folded, best matches first (BM25, the title weighing more); without text, ordered by id.
    /// </summary>
    /// <exception cref="ArgumentException">The text has no word to search for.</exception>
    public ProductPage ListProducts(int offset, int limit, string? category = null, string? text = null)
    {
        using var connection = Connect();
        var where = new List<string>();
        if (category is not null)
        {
            where.Add(_dialect.EqualsIgnoringCase("p.category", "@category"));
        }

        var search = string.IsNullOrWhiteSpace(text) ? null : _dialect.SearchText(text);
        var match = search?.Match;
        var from = search?.From ?? "products p";
        var order = search?.Order ?? "p.id";
        if (search is not null)
        {
            where.Add(search.Where);
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        var parameters = new { category, match, offset, limit };
        var total = connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM {from} {filter}", parameters);
        var items = connection.Query<(string Id, string Title, string Category, string Attributes)>(
                $"SELECT p.id, p.title, p.category, p.attributes FROM {from} {filter} ORDER BY {order} LIMIT @limit OFFSET @offset", parameters)
            .Select(r => new Product(r.Id, r.Title, r.Category, JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? []))
            .ToList();
        return new ProductPage(items, total);
    }

    public CatalogStats GetStats()
    {
        using var connection = Connect();
        var categories = connection.Query<(string Category, long Count)>(
                "SELECT category, COUNT(*) FROM products GROUP BY category ORDER BY category")
            .Select(r => new CategoryCount(r.Category, (int)r.Count))
            .ToList();
        var embedded = connection.ExecuteScalar<int>("SELECT COUNT(*) FROM embeddings");
        return new CatalogStats(categories.Sum(c => c.Products), embedded, categories, GetEmbeddingProfile(), _dialect.SizeBytes());
    }
}

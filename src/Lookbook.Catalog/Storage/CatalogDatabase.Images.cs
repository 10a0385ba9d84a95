using Dapper;

namespace Lookbook.Catalog.Storage;

/// <summary>Product images: bytes kept in the database or paths to the original files.</summary>
public sealed partial class CatalogDatabase
{
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

    /// <summary>Up to <paramref name="count"/> product images spread evenly over the catalog (every n-th by insertion order).</summary>
    public IReadOnlyList<StoredImage> ReadImageSample(int count)
    {
        using var connection = Connect();
        var total = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM products");
        var step = Math.Max(1, total / Math.Max(1, count));
        return connection.Query<StoredImage>(
                $"""
                SELECT id AS ProductId, image_path AS Path, image_bytes AS Bytes, image_format AS Format
                FROM (SELECT p.*, ROW_NUMBER() OVER (ORDER BY {_dialect.InsertionOrder("p")}) - 1 AS position FROM products p) AS numbered
                WHERE position % @step = 0 ORDER BY position LIMIT @count
                """,
                new { step, count })
            .ToList();
    }

    /// <summary>Images of products that have no vector yet (after a reset or an interrupted re-index).</summary>
    public IEnumerable<StoredImage> ReadImagesWithoutVectors(CancellationToken cancellationToken = default)
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
            cancellationToken.ThrowIfCancellationRequested();
            yield return image;
        }
    }

    public int CountProductsWithoutVectors()
    {
        using var connection = Connect();
        return connection.ExecuteScalar<int>(
            "SELECT COUNT(*) FROM products p LEFT JOIN embeddings e ON e.product_id = p.id WHERE e.product_id IS NULL");
    }

    /// <summary>A product's image bytes (stored, or read from its file); null when it has none or the file went missing.</summary>
    public byte[]? ReadImageBytes(string productId)
    {
        var image = GetImage(productId);
        try
        {
            return image?.Bytes ?? (image?.Path is { } path ? File.ReadAllBytes(path) : null);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

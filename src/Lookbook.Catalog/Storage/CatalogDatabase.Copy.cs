using System.Globalization;
using System.Text.Json;
using Dapper;

namespace Lookbook.Catalog.Storage;

/// <summary>A shopper as stored: what copying a catalog to another store carries over.</summary>
public sealed record StoredUser(string Id, string TokenHash, DateTimeOffset CreatedAt, string PreferencesJson);

/// <summary>Reading everything out and writing it back in: what <see cref="CatalogCopier"/> moves between stores.</summary>
public sealed partial class CatalogDatabase
{
    /// <summary>Every product as an import wrote it (image reference or bytes, hashes), in insertion order.</summary>
    public IEnumerable<ProductRecord> ReadProductRecords(CancellationToken cancellationToken = default)
    {
        using var connection = Connect();
        foreach (var r in connection.Query<ProductRow>(
                     $"""
                     SELECT id AS Id, source AS Source, title AS Title, category AS Category, attributes AS Attributes, metadata_hash AS MetadataHash,
                            image_hash AS ImageHash, image_path AS ImagePath, image_bytes AS ImageBytes, image_format AS ImageFormat,
                            image_width AS ImageWidth, image_height AS ImageHeight
                     FROM products p ORDER BY {_dialect.InsertionOrder("p")}
                     """,
                     buffered: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ProductRecord(r.Id, r.Source, r.Title, r.Category, JsonSerializer.Deserialize<Dictionary<string, string>>(r.Attributes) ?? [],
                r.MetadataHash, r.ImageHash, r.ImagePath, r.ImageBytes, r.ImageFormat, (int)r.ImageWidth, (int)r.ImageHeight);
        }
    }

    /// <summary>Every shopper.</summary>
    public IReadOnlyList<StoredUser> ReadUsers()
    {
        using var connection = Connect();
        return connection.Query<(string Id, string TokenHash, string CreatedAt, string Preferences)>("SELECT id, token_hash, created_at, preferences FROM users ORDER BY id")
            .Select(r => new StoredUser(r.Id, r.TokenHash, DateTimeOffset.Parse(r.CreatedAt, CultureInfo.InvariantCulture), r.Preferences))
            .ToList();
    }

    /// <summary>Adds shoppers as they were (token hash, creation time, preferences) in one transaction.</summary>
    public void AddUsers(IReadOnlyList<StoredUser> users)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            "INSERT INTO users(id, token_hash, created_at, preferences) VALUES (@Id, @TokenHash, @CreatedAt, @PreferencesJson)",
            users.Select(u => new { u.Id, u.TokenHash, CreatedAt = Stamp(u.CreatedAt), u.PreferencesJson }),
            transaction);
        transaction.Commit();
    }

    // Settable properties: Dapper then converts each database's integer types column by column.
    private sealed class ProductRow
    {
        public string Id { get; set; } = "";

        public string Source { get; set; } = "";

        public string Title { get; set; } = "";

        public string Category { get; set; } = "";

        public string Attributes { get; set; } = "{}";

        public string MetadataHash { get; set; } = "";

        public string ImageHash { get; set; } = "";

        public string? ImagePath { get; set; }

        public byte[]? ImageBytes { get; set; }

        public string ImageFormat { get; set; } = "";

        public long ImageWidth { get; set; }

        public long ImageHeight { get; set; }
    }
}

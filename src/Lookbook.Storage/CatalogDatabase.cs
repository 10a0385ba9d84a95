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
public sealed partial class CatalogDatabase
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
}

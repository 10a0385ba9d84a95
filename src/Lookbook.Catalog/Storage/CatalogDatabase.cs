using System.Text.Json;
using Dapper;
using Lookbook.Index;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// The catalog in one SQLite file: products, their images (or paths), vectors and import runs.
/// Every write is a transaction, so a killed process leaves the file as of its last committed batch.
/// Thread-safe: each call opens its own pooled connection; SQLite serialises writers (WAL mode lets
/// readers run alongside).
/// </summary>
public sealed partial class CatalogDatabase : IVectorSource
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

    /// <summary>The files kept beside this database (index, head, calibration, report).</summary>
    public CatalogFiles Files => new(Path);

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
}

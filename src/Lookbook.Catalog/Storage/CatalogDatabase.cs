using System.Data.Common;
using Lookbook.Index;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// The catalog: products, their images (or paths), vectors, shoppers and import runs — in one SQLite file by default,
/// or in a PostgreSQL database shared by a cluster (<see cref="StorageOptions.Provider"/>). Every write is a
/// transaction, so a killed process leaves the catalog as of its last committed batch. Thread-safe: each call takes
/// its own pooled connection.
/// </summary>
public sealed partial class CatalogDatabase : IVectorSource, IDisposable
{
    private const int DeleteChunk = 500;
    private readonly CatalogDialect _dialect;

    private CatalogDatabase(CatalogDialect dialect, string path)
    {
        _dialect = dialect;
        Path = path;
    }

    /// <summary>
    /// Absolute path of the database file; with PostgreSQL, the local path the files kept beside the catalog are named
    /// after (<see cref="Files"/>: index cache, head, report).
    /// </summary>
    public string Path { get; }

    /// <summary>Where the catalog lives, for messages: the file, or the PostgreSQL server and database.</summary>
    public string Location => _dialect.Location;

    /// <summary>The files kept beside this database (index, head, calibration, report).</summary>
    public CatalogFiles Files => new(Path);

    /// <summary>Opens (creating if needed) the SQLite database at <paramref name="path"/> and brings its schema up to date.</summary>
    public static CatalogDatabase Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        var dialect = new SqliteDialect(fullPath);
        dialect.Migrate();
        return new CatalogDatabase(dialect, fullPath);
    }

    /// <summary>
    /// Opens the catalog in the PostgreSQL database of <paramref name="connectionString"/>, creating or upgrading its
    /// schema; <paramref name="localPath"/> names this machine's files kept beside it.
    /// </summary>
    public static CatalogDatabase OpenPostgres(string connectionString, string localPath)
    {
        var fullPath = System.IO.Path.GetFullPath(localPath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        var dialect = new PostgresDialect(connectionString);
        try
        {
            dialect.Migrate();
        }
        catch
        {
            dialect.Dispose();
            throw;
        }

        return new CatalogDatabase(dialect, fullPath);
    }

    /// <summary>Opens the catalog the options name: the SQLite file, or the PostgreSQL database.</summary>
    public static CatalogDatabase Open(StorageOptions options) =>
        options.Provider == StorageProvider.Postgres
            ? OpenPostgres(options.ConnectionString!, options.DatabasePath)
            : Open(options.DatabasePath);

    /// <summary>
    /// A consistent copy of a SQLite catalog at <paramref name="path"/>, taken with SQLite's backup API
    /// (copying the file alone could miss commits still in the write-ahead log).
    /// </summary>
    public CatalogDatabase CopyTo(string path)
    {
        if (_dialect is not SqliteDialect sqlite)
        {
            throw new NotSupportedException("Only a SQLite catalog is copied to a file; copy a PostgreSQL one with pg_dump.");
        }

        var target = Open(path);
        using var source = sqlite.ConnectSqlite();
        using var destination = ((SqliteDialect)target._dialect).ConnectSqlite();
        source.BackupDatabase(destination);
        return target;
    }

    internal DbConnection Connect() => _dialect.Connect();

    public void Dispose() => (_dialect as IDisposable)?.Dispose();
}

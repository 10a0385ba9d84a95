namespace Lookbook.Catalog.Storage;

/// <summary>Where the catalog lives. Section <c>Lookbook:Storage</c>; environment <c>Lookbook__Storage__DatabasePath</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Lookbook:Storage";

    /// <summary>Sqlite (one file, the default) or Postgres (a database a cluster shares).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The SQLite file; relative paths are resolved against the working directory. With PostgreSQL, the local path the
    /// files kept beside the catalog are named after (the index cache, head, report).
    /// </summary>
    public string DatabasePath { get; set; } = "lookbook.db";

    /// <summary>With Postgres: an Npgsql connection string (<c>Host=127.0.0.1;Port=5432;Database=lookbook;Username=...</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Problems with the values, each naming its key; empty when they are usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            yield return $"{SectionName}:DatabasePath must name a file.";
        }
        else if (Directory.Exists(DatabasePath))
        {
            yield return $"{SectionName}:DatabasePath names a folder ({DatabasePath}); give the catalog file, e.g. {Path.Combine(DatabasePath, "lookbook.db")}.";
        }

        if (Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{SectionName}:ConnectionString is required with {SectionName}:Provider Postgres (e.g. Host=127.0.0.1;Port=5432;Database=lookbook;Username=lookbook).";
        }
    }
}

/// <summary>The database a catalog lives in.</summary>
public enum StorageProvider
{
    /// <summary>One SQLite file: the single-machine default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, shared by the processes of a cluster.</summary>
    Postgres,
}

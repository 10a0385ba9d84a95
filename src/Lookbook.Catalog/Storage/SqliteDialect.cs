using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Storage;

/// <summary>The catalog in one SQLite file (WAL mode: readers run beside the one writer; commits are crash-safe).</summary>
internal sealed class SqliteDialect(string path) : CatalogDialect
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override string Location => path;

    public override DbConnection Connect() => ConnectSqlite();

    public SqliteConnection ConnectSqlite()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    // BEGIN IMMEDIATE: the write lock is taken at the start, so what the transaction read is still true when it writes.
    public override DbTransaction BeginExclusive(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override void Migrate()
    {
        using var connection = ConnectSqlite();
        // WAL: readers (search, serve) are not blocked by an import, and commits are crash-safe.
        connection.Execute("PRAGMA journal_mode = WAL;");
        Schema.Migrate(connection);
    }

    public override string InsertionOrder(string alias) => $"{alias}.rowid";

    public override string EqualsIgnoringCase(string column, string parameter) => $"{column} = {parameter} COLLATE NOCASE";

    public override TextSearch SearchText(string text) =>
        new("products_text t JOIN products p ON p.rowid = t.rowid", "products_text MATCH @match", "bm25(products_text, 4.0, 1.0), p.id", TextQuery.Match(text));

    public override long SizeBytes() => new FileInfo(path).Length;
}

using System.Data.Common;
using Dapper;
using Npgsql;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// The catalog in a PostgreSQL database, shared by every process of a cluster: one <see cref="NpgsqlDataSource"/>
/// (a connection pool) per catalog. Writers serialise on the catalog revision's row, as SQLite's one writer does.
/// </summary>
internal sealed class PostgresDialect(string connectionString) : CatalogDialect, IDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public override string Location
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    public override DbConnection Connect() => _source.OpenConnection();

    public override DbTransaction BeginExclusive(DbConnection connection)
    {
        var transaction = connection.BeginTransaction();
        connection.Execute("SELECT pg_advisory_xact_lock(@key)", new { key = PostgresSchema.WriterLock }, transaction);
        return transaction;
    }

    public override void Migrate() => PostgresSchema.Migrate(_source, Location);

    public override string In(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string InsertionOrder(string alias) => $"{alias}.seq";

    public override string EqualsIgnoringCase(string column, string parameter) => $"lower({column}) = lower({parameter})";

    // Words become prefix terms all required ("black dre" → black:* & dre:*); they are letters and digits only, so
    // nothing typed is read as tsquery syntax. The title's terms weigh A, attribute values' B (ts_rank: 1.0 and 0.4).
    public override TextSearch SearchText(string text) =>
        new("products p",
            "p.search @@ to_tsquery('simple', public.unaccent(@match))",
            "ts_rank(p.search, to_tsquery('simple', public.unaccent(@match))) DESC, p.id",
            TextQuery.PrefixTerms(text, " & ", ":*"));

    public override long SizeBytes()
    {
        using var connection = Connect();
        return connection.ExecuteScalar<long>("SELECT pg_database_size(current_database())");
    }

    public void Dispose() => _source.Dispose();
}

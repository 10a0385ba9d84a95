using System.Data.Common;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// What differs between the databases a catalog can live in (SQLite, PostgreSQL): connecting, the schema and its
/// migrations, the writer lock, insertion order, case-insensitive category match, full-text search and size. Everything
/// else — every query of <see cref="CatalogDatabase"/> — is one SQL text both understand, so the two stores keep one
/// behaviour by construction.
/// </summary>
internal abstract class CatalogDialect
{
    /// <summary>Where the catalog lives, for messages (a file path, or a PostgreSQL host and database).</summary>
    public abstract string Location { get; }

    /// <summary>An open connection from the pool.</summary>
    public abstract DbConnection Connect();

    /// <summary>A transaction that holds the catalog's writer lock from its start (read-then-write decisions).</summary>
    public abstract DbTransaction BeginExclusive(DbConnection connection);

    /// <summary>Creates or upgrades the schema; safe when several processes open a new catalog at once.</summary>
    public abstract void Migrate();

    /// <summary>The expression that orders rows of <paramref name="alias"/> (products, import issues) by insertion.</summary>
    public abstract string InsertionOrder(string alias);

    /// <summary>A condition: <paramref name="column"/> equals the parameter <paramref name="parameter"/>, case folded.</summary>
    public abstract string EqualsIgnoringCase(string column, string parameter);

    /// <summary>
    /// A condition: <paramref name="column"/> is one of the list parameter <paramref name="parameter"/>. Dapper expands a
    /// list into <c>IN (@p1, @p2…)</c> for SQLite and passes it whole, as an array, to Npgsql.
    /// </summary>
    public virtual string In(string column, string parameter) => $"{column} IN {parameter}";

    /// <summary>How to find products whose title or attribute values hold every word of <paramref name="text"/>, best first.</summary>
    public abstract TextSearch SearchText(string text);

    /// <summary>The catalog's size on disk, in bytes.</summary>
    public abstract long SizeBytes();
}

/// <summary>
/// A text search as SQL pieces: the FROM clause (products as <c>p</c>), the condition, the ordering, and the value of
/// the <c>@match</c> parameter they use.
/// </summary>
internal sealed record TextSearch(string From, string Where, string Order, string Match);

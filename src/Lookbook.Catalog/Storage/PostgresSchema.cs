using Dapper;
using Npgsql;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// The catalog's schema in PostgreSQL: the same tables and columns as the SQLite one (<see cref="Schema"/>) at its
/// current version, versioned in <c>schema_version</c>. Migrations take a transaction-scoped advisory lock, so processes
/// that start together against a new database migrate it once.
/// </summary>
internal static class PostgresSchema
{
    public const int CurrentVersion = 2;

    /// <summary>Advisory lock keys ("LBSCHEMA", "LBWRITER" as numbers): migrations, and writes that read first.</summary>
    public const long MigrationLock = 0x4C42_5343_4845_4D41;

    public const long WriterLock = 0x4C42_5752_4954_4552;

    // Times are ISO 8601 text as in SQLite (they sort as text in time order), JSON is text, vectors are bytea of
    // little-endian float32. Products carry a sequence for insertion order (SQLite's rowid) and a tsvector kept by a
    // trigger for text search (SQLite's FTS5 table): title weight A, attribute values B, accents removed, words as they are.
    private const string Version1 = """
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE products (
            seq           BIGSERIAL UNIQUE,
            id            TEXT PRIMARY KEY,
            source        TEXT NOT NULL,
            title         TEXT NOT NULL,
            category      TEXT NOT NULL,
            attributes    TEXT NOT NULL,
            metadata_hash TEXT NOT NULL,
            image_hash    TEXT NOT NULL,
            image_path    TEXT,
            image_bytes   BYTEA,
            image_format  TEXT NOT NULL,
            image_width   INTEGER NOT NULL,
            image_height  INTEGER NOT NULL,
            updated_at    TEXT NOT NULL,
            search        TSVECTOR
        );
        CREATE INDEX products_source ON products(source);
        CREATE INDEX products_category ON products(lower(category));
        CREATE INDEX products_search ON products USING GIN (search);
        CREATE FUNCTION lookbook_products_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search :=
                setweight(to_tsvector('simple', public.unaccent(NEW.title)), 'A') ||
                setweight(to_tsvector('simple', public.unaccent(coalesce(
                    (SELECT string_agg(a.value, ' ') FROM jsonb_each_text(NEW.attributes::jsonb) a
                     WHERE a.key NOT IN ('dataset', 'split', 'index')), ''))), 'B');
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER products_search BEFORE INSERT OR UPDATE OF title, attributes ON products
            FOR EACH ROW EXECUTE FUNCTION lookbook_products_search();
        CREATE TABLE embeddings (
            product_id TEXT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
            vector     BYTEA NOT NULL,
            revision   BIGINT NOT NULL DEFAULT 0
        );
        CREATE INDEX embeddings_revision ON embeddings(revision);
        CREATE TABLE import_runs (
            id          BIGSERIAL PRIMARY KEY,
            source      TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            status      TEXT NOT NULL,
            added       INTEGER NOT NULL DEFAULT 0,
            updated     INTEGER NOT NULL DEFAULT 0,
            unchanged   INTEGER NOT NULL DEFAULT 0,
            skipped     INTEGER NOT NULL DEFAULT 0,
            removed     INTEGER NOT NULL DEFAULT 0,
            pid         INTEGER,
            host        TEXT
        );
        CREATE TABLE import_issues (
            seq     BIGSERIAL PRIMARY KEY,
            run_id  BIGINT NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
            item    TEXT NOT NULL,
            problem TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE TABLE users (
            id          TEXT PRIMARY KEY,
            token_hash  TEXT NOT NULL UNIQUE,
            created_at  TEXT NOT NULL,
            preferences TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE events (
            id         BIGSERIAL PRIMARY KEY,
            user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            product_id TEXT NOT NULL,
            kind       TEXT NOT NULL,
            at         TEXT NOT NULL
        );
        CREATE INDEX events_user ON events(user_id, at);
        CREATE INDEX events_product ON events(product_id);
        CREATE TABLE embedding_profile (
            id               INTEGER PRIMARY KEY CHECK (id = 1),
            description      TEXT NOT NULL,
            model_file       TEXT NOT NULL,
            model_hash       TEXT NOT NULL,
            layers           TEXT NOT NULL,
            input_size       INTEGER NOT NULL,
            preprocessing    TEXT NOT NULL,
            precision        TEXT NOT NULL,
            calibration_hash TEXT,
            weight_bits      INTEGER,
            dimension        INTEGER NOT NULL
        );
        CREATE TABLE popularity (
            product_id TEXT PRIMARY KEY,
            score      INTEGER NOT NULL
        );
        """;

    // The work queue of a distributed import (`lookbook import --cluster`): the coordinator writes batches of source
    // entries, silos take them with FOR UPDATE SKIP LOCKED and complete each in the transaction that holds its lock.
    // A run knows how many batches it has once they are all queued (until then it cannot be finished).
    private const string Version2 = """
        ALTER TABLE import_runs ADD COLUMN batches INTEGER;
        CREATE TABLE import_queue (
            run_id    BIGINT NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
            batch_no  INTEGER NOT NULL,
            items     TEXT NOT NULL,
            status    TEXT NOT NULL DEFAULT 'pending',
            worker    TEXT,
            done_at   TEXT,
            added     INTEGER NOT NULL DEFAULT 0,
            updated   INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            skipped   INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, batch_no)
        );
        CREATE INDEX import_queue_pending ON import_queue(run_id, batch_no) WHERE status = 'pending';
        """;

    public static void Migrate(NpgsqlDataSource source, string location)
    {
        using var connection = source.OpenConnection();
        using var transaction = connection.BeginTransaction();
        connection.Execute("SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLock }, transaction);
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", transaction: transaction);
        var version = connection.ExecuteScalar<int?>("SELECT MAX(version) FROM schema_version", transaction: transaction) ?? 0;
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The catalog at {location} has schema version {version}, newer than this Lookbook understands ({CurrentVersion}). Upgrade Lookbook.");
        }

        string[] steps = [Version1, Version2];
        for (var step = version; step < CurrentVersion; step++)
        {
            connection.Execute(steps[step], transaction: transaction);
            connection.Execute("INSERT INTO schema_version(version) VALUES (@version)", new { version = step + 1 }, transaction);
        }

        transaction.Commit();
    }
}

using Dapper;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Storage;

/// <summary>Creates and upgrades the database schema, tracked with SQLite's user_version.</summary>
internal static class Schema
{
    public const int CurrentVersion = 6;

    private const string Version1 = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE products (
            id            TEXT PRIMARY KEY,
            source        TEXT NOT NULL,
            title         TEXT NOT NULL,
            category      TEXT NOT NULL,
            attributes    TEXT NOT NULL,             -- JSON object of strings
            metadata_hash TEXT NOT NULL,             -- detects a changed title/category/attributes without a re-embed
            image_hash    TEXT NOT NULL,             -- SHA-256 of the image bytes: an unchanged image is never re-embedded
            image_path    TEXT,                      -- a referenced file (folder and CSV sources) ...
            image_bytes   BLOB,                      -- ... or the image itself (dataset sources have no files)
            image_format  TEXT NOT NULL,
            image_width   INTEGER NOT NULL,
            image_height  INTEGER NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE INDEX products_source ON products(source);
        CREATE INDEX products_category ON products(category);
        CREATE TABLE embeddings (
            product_id TEXT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
            vector     BLOB NOT NULL                 -- little-endian float32, L2-normalised
        );
        CREATE TABLE import_runs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            source      TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            status      TEXT NOT NULL,               -- running | completed | cancelled | failed | interrupted (killed; see pid)
            added       INTEGER NOT NULL DEFAULT 0,
            updated     INTEGER NOT NULL DEFAULT 0,
            unchanged   INTEGER NOT NULL DEFAULT 0,
            skipped     INTEGER NOT NULL DEFAULT 0,
            removed     INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE import_issues (
            run_id  INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
            item    TEXT NOT NULL,
            problem TEXT NOT NULL,
            message TEXT NOT NULL
        );
        """;

    // Shoppers and what they did. Events keep the product id without a foreign key: history outlives
    // a product that leaves the catalog (recommendations skip it).
    private const string Version2 = """
        CREATE TABLE users (
            id          TEXT PRIMARY KEY,
            token_hash  TEXT NOT NULL UNIQUE,         -- SHA-256 of the secret token; the token itself is never stored
            created_at  TEXT NOT NULL,
            preferences TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE events (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            product_id TEXT NOT NULL,
            kind       TEXT NOT NULL,                 -- view | like | dislike | cart | purchase
            at         TEXT NOT NULL
        );
        CREATE INDEX events_user ON events(user_id, at);
        CREATE INDEX events_product ON events(product_id);
        """;

    // Every write of vectors bumps meta 'embedding.revision' and stamps the rows, so an approximate index saved
    // beside the database knows which vectors it has not seen (see ReadVectorsChangedSince).
    private const string Version3 = """
        ALTER TABLE embeddings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX embeddings_revision ON embeddings(revision);
        """;

    // The embedding profile in columns of its own (it was one readable string in meta), and everyone's engagement
    // per product kept up to date by each event instead of summed over all events for every recommendation.
    private const string Version4 = """
        CREATE TABLE embedding_profile (
            id               INTEGER PRIMARY KEY CHECK (id = 1),
            description      TEXT NOT NULL,        -- the fingerprint is the SHA-256 of this summary
            model_file       TEXT NOT NULL,
            model_hash       TEXT NOT NULL,
            layers           TEXT NOT NULL,        -- JSON array of graph tensor names
            input_size       INTEGER NOT NULL,     -- 0: unknown (a profile recorded before version 4 that could not be read)
            preprocessing    TEXT NOT NULL,
            precision        TEXT NOT NULL,        -- Float32 | Int8
            calibration_hash TEXT,
            weight_bits      INTEGER,
            dimension        INTEGER NOT NULL
        );
        CREATE TABLE popularity (
            product_id TEXT PRIMARY KEY,
            score      INTEGER NOT NULL
        );
        INSERT INTO popularity(product_id, score)
            SELECT product_id, SUM(CASE kind WHEN 'purchase' THEN 4 WHEN 'cart' THEN 3 WHEN 'like' THEN 2 WHEN 'view' THEN 1 ELSE 0 END)
            FROM events GROUP BY product_id;
        """;

    // Full-text search over titles and attribute values (FTS5: ranked, case and diacritics folded, prefix indexes), kept in
    // step with products by triggers so every writer — imports, metadata updates, deletes — updates it in the same
    // transaction. Rows are keyed by the product's rowid, which an upsert keeps and nothing here rewrites (no VACUUM).
    // Attributes that only say where a dataset row came from are not text a shopper searches for.
    private static string TextValues(string row) => $"(SELECT group_concat(value, ' ') FROM json_each({row}.attributes) WHERE key NOT IN ('dataset', 'split', 'index'))";

    private static readonly string Version5 = $"""
        CREATE VIRTUAL TABLE IF NOT EXISTS products_text USING fts5(
            title, attribute_values,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '1 2 3');
        CREATE TRIGGER IF NOT EXISTS products_text_insert AFTER INSERT ON products BEGIN
            INSERT INTO products_text(rowid, title, attribute_values) VALUES (NEW.rowid, NEW.title, {TextValues("NEW")});
        END;
        CREATE TRIGGER IF NOT EXISTS products_text_update AFTER UPDATE OF title, attributes ON products BEGIN
            DELETE FROM products_text WHERE rowid = OLD.rowid;
            INSERT INTO products_text(rowid, title, attribute_values) VALUES (NEW.rowid, NEW.title, {TextValues("NEW")});
        END;
        CREATE TRIGGER IF NOT EXISTS products_text_delete AFTER DELETE ON products BEGIN
            DELETE FROM products_text WHERE rowid = OLD.rowid;
        END;
        DELETE FROM products_text;
        INSERT INTO products_text(rowid, title, attribute_values)
            SELECT rowid, title, {TextValues("products")} FROM products;
        """;

    // Which process runs an import, so that the next one can tell a run whose process was killed (status still
    // 'running') from one still going on beside it.
    private const string Version6 = """
        ALTER TABLE import_runs ADD COLUMN pid INTEGER;
        ALTER TABLE import_runs ADD COLUMN host TEXT;
        """;

    public static void Migrate(SqliteConnection connection)
    {
        var version = connection.ExecuteScalar<long>("PRAGMA user_version;");
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The database {connection.DataSource} has schema version {version}, newer than this Lookbook understands ({CurrentVersion}). Upgrade Lookbook.");
        }

        string[] steps = [Version1, Version2, Version3, Version4, Version5, Version6];
        for (var step = (int)version; step < CurrentVersion; step++)
        {
            // BEGIN IMMEDIATE, then look again: another process opening the same new file may have migrated it meanwhile.
            using var transaction = connection.BeginTransaction(deferred: false);
            if (connection.ExecuteScalar<long>("PRAGMA user_version;", transaction: transaction) > step)
            {
                continue;
            }

            if (step + 1 == 6 && connection.Query<string>("SELECT name FROM pragma_table_info('import_runs')", transaction: transaction).Contains("pid"))
            {
                // Already there (a file whose version was set back by hand, as tests of older files do): nothing to add.
            }
            else
            {
                connection.Execute(steps[step], transaction: transaction);
            }

            if (step + 1 == 4)
            {
                LegacyProfile.MoveToColumns(connection, transaction);
            }

            connection.Execute($"PRAGMA user_version = {step + 1};", transaction: transaction);
            transaction.Commit();
        }
    }
}

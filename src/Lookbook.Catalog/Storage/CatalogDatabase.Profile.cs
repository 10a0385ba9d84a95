using System.Text.Json;
using Dapper;
using Lookbook.Vision.Embedding;
using System.Data.Common;

namespace Lookbook.Catalog.Storage;

/// <summary>The embedding profile the stored vectors were made with, in columns of its own (schema version 4).</summary>
public sealed partial class CatalogDatabase
{
    public EmbeddingProfile? GetEmbeddingProfile()
    {
        using var connection = Connect();
        return ReadProfile(connection, null);
    }

    /// <summary>
    /// Records the configured profile on a catalog without vectors, accepts it when it matches, and
    /// throws <see cref="EmbeddingMismatchException"/> when stored vectors came from another configuration.
    /// </summary>
    public void EnsureEmbeddingProfile(EmbeddingProfile configured)
    {
        using var connection = Connect();
        using var transaction = _dialect.BeginExclusive(connection);
        var stored = ReadProfile(connection, transaction);
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
    public void ResetEmbeddings(EmbeddingProfile configured)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute("DELETE FROM embeddings", transaction: transaction);
        WriteProfile(connection, transaction, configured);
        NextRevision(connection, transaction); // a server serving this catalog sees the change and rebuilds
        transaction.Commit();
    }

    private static EmbeddingProfile? ReadProfile(DbConnection connection, DbTransaction? transaction)
    {
        var row = connection.QuerySingleOrDefault<ProfileRow>(
            """
            SELECT description, model_file AS ModelFile, model_hash AS ModelHash, layers, input_size AS InputSize, preprocessing,
                   precision, calibration_hash AS CalibrationHash, weight_bits AS WeightBits, dimension
            FROM embedding_profile WHERE id = 1
            """,
            transaction: transaction);
        return row is null
            ? null
            : new EmbeddingProfile(
                row.ModelFile, row.ModelHash, JsonSerializer.Deserialize<string[]>(row.Layers) ?? [], (int)row.InputSize, row.Preprocessing,
                Enum.Parse<ModelPrecision>(row.Precision), row.CalibrationHash, (int?)row.WeightBits, (int)row.Dimension)
            {
                Description = row.Description, // verbatim: the fingerprint is its hash
            };
    }

    private static void WriteProfile(DbConnection connection, DbTransaction transaction, EmbeddingProfile profile) =>
        connection.Execute(
            """
            INSERT INTO embedding_profile(id, description, model_file, model_hash, layers, input_size, preprocessing, precision, calibration_hash, weight_bits, dimension)
            VALUES (1, @Description, @ModelFile, @ModelHash, @Layers, @InputSize, @Preprocessing, @Precision, @CalibrationHash, @WeightBits, @Dimension)
            ON CONFLICT(id) DO UPDATE SET
                description = excluded.description, model_file = excluded.model_file, model_hash = excluded.model_hash, layers = excluded.layers,
                input_size = excluded.input_size, preprocessing = excluded.preprocessing, precision = excluded.precision,
                calibration_hash = excluded.calibration_hash, weight_bits = excluded.weight_bits, dimension = excluded.dimension
            """,
            new
            {
                profile.Description,
                profile.ModelFile,
                profile.ModelHash,
                Layers = JsonSerializer.Serialize(profile.Layers),
                profile.InputSize,
                profile.Preprocessing,
                Precision = profile.Precision.ToString(),
                profile.CalibrationHash,
                profile.WeightBits,
                profile.Dimension,
            },
            transaction);

    // Settable properties rather than a positional record: Dapper then converts SQLite's types column by column.
    private sealed class ProfileRow
    {
        public string Description { get; set; } = "";

        public string ModelFile { get; set; } = "";

        public string ModelHash { get; set; } = "";

        public string Layers { get; set; } = "[]";

        public long InputSize { get; set; }

        public string Preprocessing { get; set; } = "";

        public string Precision { get; set; } = nameof(ModelPrecision.Float32);

        public string? CalibrationHash { get; set; }

        public long? WeightBits { get; set; }

        public long Dimension { get; set; }
    }
}

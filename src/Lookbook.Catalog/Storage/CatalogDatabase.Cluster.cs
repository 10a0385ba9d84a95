using Dapper;

namespace Lookbook.Catalog.Storage;

/// <summary>What a cluster records in the catalog it shares.</summary>
public sealed partial class CatalogDatabase
{
    /// <summary>
    /// Records the number of shards the catalog is split into the first time a cluster process asks, and returns the
    /// recorded number: a product's shard is a hash of its id modulo that number, so every silo and front end must use
    /// the same one, for the catalog's whole life.
    /// </summary>
    public int RecordShardCount(int shards)
    {
        using var connection = Connect();
        connection.Execute("INSERT INTO meta(key, value) VALUES ('cluster.shards', @shards) ON CONFLICT(key) DO NOTHING",
            new { shards = shards.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return connection.ExecuteScalar<int>("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'cluster.shards'");
    }
}

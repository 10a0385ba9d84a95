using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookbook.Cluster;

/// <summary>
/// A shard of the catalog in a silo's memory: the products whose id hashes to this grain's key (<see cref="ShardMap"/>)
/// and their vectors in an index — exact, or HNSW once the shard is large (<see cref="IndexOptions"/>, as a single
/// node decides), its graph saved on the silo's disk and reopened when the shard activates there again. The index is
/// opened when the grain activates (on any silo, after a silo dies too) and caught up in place — only the vectors
/// written since — when the store's revision moved (checked at most every <see cref="ClusterOptions.CatchUpInterval"/>,
/// only when searched): the machinery of one node's index (<see cref="IndexOpener"/>). Filters are applied inside the
/// shard, during the scan, so a selective filter still fills k.
/// </summary>
public sealed class ShardGrain(
    CatalogDatabase catalog, IOptions<ClusterOptions> options, IOptions<IndexOptions> indexOptions, IOptions<StorageOptions> storage,
    TimeProvider clock, ILogger<ShardGrain> logger) : Grain, IShardGrain
{
    private Shard? _shard;
    private DateTimeOffset _checked;

    public Task<ShardAnswer> SearchAsync(ShardQuery query)
    {
        var started = clock.GetTimestamp();
        var shard = Current(query.Shards);
        var filter = query.Category is null && query.Attributes is null
            ? null
            : (Func<string, bool>)(id => shard.Products.TryGetValue(id, out var p) && Accepts(p, query));
        var hits = shard.Index.Index.Search(query.Vector, query.K, filter);
        ClusterTelemetry.ShardSearch.Record(clock.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("shard", this.GetPrimaryKeyLong()));
        return Task.FromResult(new ShardAnswer([.. hits.Select(h => new ShardHit(h.Key, h.Similarity))], shard.Revision, shard.Products.Count));
    }

    public Task<int> PrepareAsync(int shards) => Task.FromResult(Current(shards).Products.Count);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _shard?.Index.Index.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private Shard Current(int shards)
    {
        if (shards != options.Value.Shards)
        {
            throw new InvalidOperationException($"This silo splits the catalog into {options.Value.Shards} shards; the query was for {shards}.");
        }

        var now = clock.GetUtcNow();
        if (_shard is not null && now - _checked < options.Value.CatchUpInterval)
        {
            return _shard;
        }

        _checked = now;
        var revision = catalog.GetEmbeddingRevision();
        if (_shard is null)
        {
            _shard = Open(shards);
        }
        else if (_shard.Revision != revision)
        {
            CatchUp(_shard);
        }

        return _shard;
    }

    private Shard Open(int shards)
    {
        var started = clock.GetTimestamp();
        var number = (int)this.GetPrimaryKeyLong();
        var source = new ShardVectorSource(catalog, Path.GetFullPath(storage.Value.DatabasePath), number, shards);
        var space = Space();
        var opened = IndexOpener.Open(source, space, indexOptions.Value);
        var shard = new Shard(number, shards, source, space, opened, ReadProducts(number, shards), opened.Revision);
        var elapsed = clock.GetElapsedTime(started).TotalMilliseconds;
        ClusterTelemetry.ShardLoad.Record(elapsed, new KeyValuePair<string, object?>("shard", number));
        logger.LogInformation("Shard {Shard}/{Shards} opened: {Products} products, {Index} index ({Reused}) at revision {Revision} in {Milliseconds:F0} ms",
            number, shards, shard.Products.Count, opened.IsApproximate ? "HNSW" : "exact", opened.Update.Rebuilt ? "built" : "saved graph reopened",
            opened.Revision, elapsed);
        return shard;
    }

    /// <summary>Only what changed since the shard's revision goes into its index; its products are read again (filters need them).</summary>
    private void CatchUp(Shard shard)
    {
        var started = clock.GetTimestamp();
        var (revision, update) = IndexOpener.CatchUp(shard.Index, shard.Source, shard.Space, shard.Revision);
        shard.Products = ReadProducts(shard.Number, shard.Shards);
        shard.Revision = revision;
        var elapsed = clock.GetElapsedTime(started).TotalMilliseconds;
        ClusterTelemetry.ShardLoad.Record(elapsed, new KeyValuePair<string, object?>("shard", shard.Number));
        logger.LogInformation("Shard {Shard}/{Shards} caught up to revision {Revision}: {Added} upserted, {Removed} removed in {Milliseconds:F0} ms",
            shard.Number, shard.Shards, revision, update.Added, update.Removed, elapsed);
    }

    /// <summary>The catalog's model makes the space; a store written without a profile (tests, tools) by its vectors' width.</summary>
    private IndexSpace Space()
    {
        if (catalog.GetEmbeddingProfile() is { } profile)
        {
            return new IndexSpace(profile.Fingerprint, profile.Dimension, profile.Dimension);
        }

        var dimension = catalog.ReadVectors().FirstOrDefault()?.Vector.Length ?? 1;
        return new IndexSpace($"unprofiled-{dimension}", dimension, dimension);
    }

    private Dictionary<string, Product> ReadProducts(int number, int shards) =>
        catalog.ReadAllProducts().Where(p => ShardMap.ShardOf(p.Id, shards) == number).ToDictionary(p => p.Id, StringComparer.Ordinal);

    private static bool Accepts(Product product, ShardQuery query) =>
        (query.Category is null || string.Equals(product.Category, query.Category, StringComparison.OrdinalIgnoreCase))
        && (query.Attributes is null || query.Attributes.All(a =>
            product.Attributes.TryGetValue(a.Key, out var value) && string.Equals(value, a.Value, StringComparison.OrdinalIgnoreCase)));

    private sealed class Shard(int number, int shards, ShardVectorSource source, IndexSpace space, OpenedIndex index, Dictionary<string, Product> products, long revision)
    {
        public int Number { get; } = number;

        public int Shards { get; } = shards;

        public ShardVectorSource Source { get; } = source;

        public IndexSpace Space { get; } = space;

        public OpenedIndex Index { get; } = index;

        public Dictionary<string, Product> Products { get; set; } = products;

        public long Revision { get; set; } = revision;
    }
}

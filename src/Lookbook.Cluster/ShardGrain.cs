using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lookbook.Cluster;

/// <summary>
/// A shard of the catalog in a silo's memory: the products whose id hashes to this grain's key (<see cref="ShardMap"/>)
/// and their vectors in an exact index, read from the shared store when the grain activates — on any silo, after a
/// silo dies too — and read again when the store's revision moved (checked at most every
/// <see cref="ClusterOptions.CatchUpInterval"/>, only when searched). Filters are applied inside the shard, during the
/// scan, so a selective filter still fills k.
/// </summary>
public sealed class ShardGrain(CatalogDatabase catalog, IOptions<ClusterOptions> options, TimeProvider clock, ILogger<ShardGrain> logger) : Grain, IShardGrain
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
        var hits = shard.Index.Search(query.Vector, query.K, filter);
        ClusterTelemetry.ShardSearch.Record(clock.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("shard", this.GetPrimaryKeyLong()));
        return Task.FromResult(new ShardAnswer([.. hits.Select(h => new ShardHit(h.Key, h.Similarity))], shard.Revision, shard.Products.Count));
    }

    public Task<int> PrepareAsync(int shards) => Task.FromResult(Current(shards).Products.Count);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _shard?.Index.Dispose();
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
        if (_shard is null || _shard.Revision != revision)
        {
            var previous = _shard;
            _shard = Load(revision, shards);
            previous?.Index.Dispose();
        }

        return _shard;
    }

    private Shard Load(long revision, int shards)
    {
        var started = clock.GetTimestamp();
        var number = (int)this.GetPrimaryKeyLong();
        var products = catalog.ReadAllProducts().Where(p => ShardMap.ShardOf(p.Id, shards) == number).ToDictionary(p => p.Id, StringComparer.Ordinal);
        IVectorIndex? index = null;
        foreach (var stored in catalog.ReadVectors())
        {
            if (products.ContainsKey(stored.ProductId))
            {
                index ??= new ExactVectorIndex(stored.Vector.Length);
                index.Upsert(stored.ProductId, stored.Vector);
            }
        }

        ClusterTelemetry.ShardLoad.Record(clock.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("shard", number));
        logger.LogInformation("Shard {Shard}/{Shards} loaded {Products} products at revision {Revision} in {Milliseconds:F0} ms",
            number, shards, products.Count, revision, clock.GetElapsedTime(started).TotalMilliseconds);
        return new Shard(products, index ?? new ExactVectorIndex(1), revision);
    }

    private static bool Accepts(Product product, ShardQuery query) =>
        (query.Category is null || string.Equals(product.Category, query.Category, StringComparison.OrdinalIgnoreCase))
        && (query.Attributes is null || query.Attributes.All(a =>
            product.Attributes.TryGetValue(a.Key, out var value) && string.Equals(value, a.Value, StringComparison.OrdinalIgnoreCase)));

    private sealed record Shard(Dictionary<string, Product> Products, IVectorIndex Index, long Revision);
}

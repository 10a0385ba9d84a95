namespace Lookbook.Cluster;

/// <summary>One shard of the catalog (the grain's key is the shard number): searches the products it holds.</summary>
public interface IShardGrain : IGrainWithIntegerKey
{
    Task<ShardAnswer> SearchAsync(ShardQuery query);

    /// <summary>Loads the shard (activating the grain) without searching; returns how many products it holds.</summary>
    Task<int> PrepareAsync(int shards);
}

/// <summary>A search sent to every shard: the query vector (already embedded), how many, and the filters applied inside the shard.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardQuery(
    [property: Id(0)] float[] Vector,
    [property: Id(1)] int K,
    [property: Id(2)] int Shards,
    [property: Id(3)] string? Category = null,
    [property: Id(4)] Dictionary<string, string>? Attributes = null);

/// <summary>A shard's best products, best first, and the catalog revision it searched.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardAnswer([property: Id(0)] ShardHit[] Hits, [property: Id(1)] long Revision, [property: Id(2)] int Products);

[GenerateSerializer, Immutable]
public readonly record struct ShardHit([property: Id(0)] string ProductId, [property: Id(1)] float Similarity);

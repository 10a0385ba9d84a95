namespace Lookbook.Cluster;

/// <summary>The cluster's shape. Section <c>Lookbook:Cluster</c>.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Lookbook:Cluster";

    /// <summary>Shards the catalog is split into (fixed per catalog).</summary>
    public int Shards { get; set; } = 4;

    /// <summary>How long a search waits for the shards; those that have not answered by then make the answer partial.</summary>
    public TimeSpan ShardTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a shard asks the store whether the catalog changed (at most; only when searched).</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Shards is < 1 or > 4096)
        {
            yield return $"{SectionName}:Shards must be between 1 and 4096; got {Shards}.";
        }

        if (ShardTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ShardTimeout must be positive; got {ShardTimeout}.";
        }
    }
}

using System.Diagnostics.Metrics;

namespace Lookbook.Cluster;

/// <summary>
/// The cluster's own metrics (meter <c>Lookbook.Cluster</c>), beside Orleans' (<c>Microsoft.Orleans</c>: grains by
/// type, activations, messaging): per shard, how long its searches and its loads take.
/// </summary>
public static class ClusterTelemetry
{
    public const string Name = "Lookbook.Cluster";

    private static readonly Meter Meter = new(Name);

    /// <summary>One shard's search (scan and filter), tagged with the shard.</summary>
    public static readonly Histogram<double> ShardSearch = Meter.CreateHistogram<double>(
        "lookbook.shard.search.duration", "ms", "Time a shard grain spends answering one search");

    /// <summary>A shard's load of its products from the store (on activation, or when the catalog changed).</summary>
    public static readonly Histogram<double> ShardLoad = Meter.CreateHistogram<double>(
        "lookbook.shard.load.duration", "ms", "Time a shard grain spends loading its part of the catalog");
}

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

    /// <summary>Names the cluster: silos and clients with the same id (and Redis) form one cluster.</summary>
    public string ClusterId { get; set; } = "lookbook";

    /// <summary>Redis for the cluster's membership (StackExchange.Redis configuration: <c>host:port</c>).</summary>
    public string? Redis { get; set; }

    /// <summary>This silo's address as the others reach it.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (front ends) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// How long a silo waits for another's answer to a liveness probe; after two missed probes and two votes a silo is
    /// declared dead and its shards reactivate elsewhere. Orleans' default is 5 s; lower it for faster takeover.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Port of the silo's own HTTP endpoint (health, readiness, Prometheus metrics) on <see cref="AdvertisedAddress"/>;
    /// null: none.
    /// </summary>
    public int? HealthPort { get; set; }

    /// <summary>How often an idle silo looks for distributed-import batches to do.</summary>
    public TimeSpan ImportPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Shards is < 1 or > 4096)
        {
            yield return $"{SectionName}:Shards must be between 1 and 4096; got {Shards}.";
        }

        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
        {
            yield return $"{SectionName}:SiloPort and GatewayPort must be two different ports; got {SiloPort} and {GatewayPort}.";
        }

        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return $"{SectionName}:AdvertisedAddress must be an IP address; got '{AdvertisedAddress}'.";
        }

        if (HealthPort is { } health && (health is < 1 or > 65535 || health == SiloPort || health == GatewayPort))
        {
            yield return $"{SectionName}:HealthPort must be a port other than SiloPort and GatewayPort; got {health}.";
        }

        if (ImportPollInterval <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ImportPollInterval must be positive; got {ImportPollInterval}.";
        }

        if (ShardTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ShardTimeout must be positive; got {ShardTimeout}.";
        }
    }
}

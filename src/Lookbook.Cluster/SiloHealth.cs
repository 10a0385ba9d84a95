using Lookbook.Catalog.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Lookbook.Cluster;

/// <summary>Ready when this silo is an active member of the cluster (not joining, not leaving, not declared dead).</summary>
internal sealed class MembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status}"));
    }
}

/// <summary>Ready when the shared catalog answers (the shards load and catch up from it).</summary>
internal sealed class CatalogHealthCheck(CatalogDatabase catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(HealthCheckResult.Healthy($"catalog at revision {catalog.GetEmbeddingRevision()}"));
        }
        catch (System.Data.Common.DbException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the catalog cannot be reached: " + e.Message));
        }
    }
}

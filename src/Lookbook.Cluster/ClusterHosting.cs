using System.Net;
using Lookbook.Catalog.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Lookbook.Cluster;

/// <summary>
/// Hosts for the cluster mode: a silo (holds shard grains, reads the PostgreSQL catalog) and a client (a front end that
/// searches through <see cref="ClusterSearch"/>). Both find each other through Redis (Orleans' Redis membership), with
/// the cluster id and Redis of <c>Lookbook:Cluster</c> and the catalog of <c>Lookbook:Storage</c>.
/// </summary>
public static class ClusterHosting
{
    /// <summary>A silo host over <paramref name="configuration"/>; start it, stop it with the host's lifetime (SIGTERM).</summary>
    public static IHost BuildSilo(IConfiguration configuration, Action<IServiceCollection>? services = null)
    {
        var (cluster, storage) = Read(configuration);
        if (storage.Provider != StorageProvider.Postgres)
        {
            throw new InvalidOperationException($"A silo reads the catalog a cluster shares: set {StorageOptions.SectionName}:Provider to Postgres and its ConnectionString.");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddSingleton(_ => CatalogDatabase.Open(storage));
        builder.Services.AddHostedService<ImportWorkerService>();
        AddCommon(builder.Services, cluster);
        services?.Invoke(builder.Services);
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, "lookbook"));
            silo.UseRedisClustering(cluster.Redis!);
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = 2;
            });
        });
        return builder.Build();
    }

    /// <summary>A client host (a front end): <see cref="ClusterSearch"/> is in its services once it has started.</summary>
    public static IHost BuildClient(IConfiguration configuration, Action<IServiceCollection>? services = null)
    {
        var (cluster, _) = Read(configuration);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        AddCommon(builder.Services, cluster);
        services?.Invoke(builder.Services);
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, "lookbook"));
            client.UseRedisClustering(cluster.Redis!);
        });
        return builder.Build();
    }

    private static void AddCommon(IServiceCollection services, ClusterOptions cluster)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOptions<ClusterOptions>>(Options.Create(cluster));
        services.AddSingleton<ClusterSearch>();
    }

    private static (ClusterOptions Cluster, StorageOptions Storage) Read(IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var problems = cluster.Validate().Concat(storage.Validate()).ToList();
        if (string.IsNullOrWhiteSpace(cluster.Redis))
        {
            problems.Add($"{ClusterOptions.SectionName}:Redis must name the Redis server the cluster meets in (host:port).");
        }

        return problems.Count > 0 ? throw new OptionsValidationException(ClusterOptions.SectionName, typeof(ClusterOptions), problems) : (cluster, storage);
    }
}

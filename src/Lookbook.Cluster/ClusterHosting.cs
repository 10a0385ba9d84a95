using System.Net;
using Lookbook.Catalog.Storage;
using Lookbook.Index;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Configuration;

namespace Lookbook.Cluster;

/// <summary>
/// Hosts for the cluster mode: a silo (holds shard grains, reads the PostgreSQL catalog) and a client (a front end that
/// searches through <see cref="ClusterSearch"/>). Both find each other through Redis (Orleans' Redis membership), with
/// the cluster id and Redis of <c>Lookbook:Cluster</c> and the catalog of <c>Lookbook:Storage</c>.
/// </summary>
public static class ClusterHosting
{
    /// <summary>
    /// A silo host over <paramref name="configuration"/>; start it, stop it with the host's lifetime (SIGTERM). With
    /// <see cref="ClusterOptions.HealthPort"/> it also serves, on that port, <c>/health/live</c>, <c>/health/ready</c>
    /// (an active cluster member whose catalog answers) and <c>/metrics</c> (Prometheus: Orleans' grain and messaging
    /// metrics, the shards' own, the runtime's).
    /// </summary>
    public static IHost BuildSilo(IConfiguration configuration, Action<IServiceCollection>? services = null)
    {
        EnsureConfigured(configuration, "A silo");
        var (cluster, storage) = Read(configuration);

        if (cluster.HealthPort is not { } healthPort)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
            ConfigureSilo(builder, configuration, cluster, storage, services);
            return builder.Build();
        }

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        web.Configuration.Sources.Clear();
        web.Logging.ClearProviders();
        ConfigureSilo(web, configuration, cluster, storage, services);
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(cluster.AdvertisedAddress), healthPort));
        web.Services.AddHealthChecks()
            .AddCheck<MembershipHealthCheck>("cluster", tags: ["ready"])
            .AddCheck<CatalogHealthCheck>("catalog", tags: ["ready"]);
        web.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("lookbook-silo", serviceInstanceId: $"{cluster.AdvertisedAddress}:{cluster.SiloPort}"))
            .WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans", ClusterTelemetry.Name, "Lookbook")
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        var app = web.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static void ConfigureSilo(
        IHostApplicationBuilder builder, IConfiguration configuration, ClusterOptions cluster, StorageOptions storage, Action<IServiceCollection>? services)
    {
        builder.Configuration.AddConfiguration(configuration);
        var index = configuration.GetSection(IndexOptions.SectionName).Get<IndexOptions>() ?? new IndexOptions();
        if (index.Validate().ToList() is { Count: > 0 } problems)
        {
            throw new OptionsValidationException(IndexOptions.SectionName, typeof(IndexOptions), problems);
        }

        builder.Services.AddSingleton(Options.Create(index));
        builder.Services.AddSingleton(Options.Create(storage));
        builder.Services.AddSingleton(_ =>
        {
            var catalog = CatalogDatabase.Open(storage);
            EnsureShardCount(catalog, cluster);
            return catalog;
        });
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
    }

    /// <summary>Readiness as a line per check, so a person with curl reads why a silo is not ready.</summary>
    public static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(report.Status + "\n" + string.Concat(
            report.Entries.Select(e => $"{e.Key}: {e.Value.Status} ({e.Value.Description})\n")));
    }

    /// <summary>A client host (a front end): <see cref="ClusterSearch"/> is in its services once it has started.</summary>
    public static IHost BuildClient(IConfiguration configuration, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        AddClusterClient(builder, configuration);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// Makes <paramref name="builder"/>'s host a client of the cluster <paramref name="configuration"/> names
    /// (<see cref="ClusterSearch"/> in its services); the web front end (<c>lookbook serve --cluster</c>) is one.
    /// </summary>
    public static void AddClusterClient(IHostApplicationBuilder builder, IConfiguration configuration)
    {
        var (cluster, _) = Read(configuration);
        AddCommon(builder.Services, cluster);
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, "lookbook"));
            client.UseRedisClustering(cluster.Redis!);
        });
    }

    /// <summary>
    /// Throws one error naming everything a cluster process (<paramref name="who"/>) misses in its configuration: the
    /// shared catalog in PostgreSQL and the Redis the cluster meets in.
    /// </summary>
    public static void EnsureConfigured(IConfiguration configuration, string who)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var missing = new List<string>();
        if (storage.Provider != StorageProvider.Postgres || string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            missing.Add($"the shared catalog ({StorageOptions.SectionName}:Provider = Postgres and its ConnectionString)");
        }

        if (string.IsNullOrWhiteSpace(configuration[$"{ClusterOptions.SectionName}:Redis"]))
        {
            missing.Add($"the Redis the cluster meets in ({ClusterOptions.SectionName}:Redis = host:port)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{who} needs {string.Join(" and ", missing)}, usually in the lookbook.json of the folder it runs in (scripts/cluster.sh writes one in .lookbook/cluster; docs/scaling.md shows one for N machines).");
        }
    }

    /// <summary>
    /// Throws when <paramref name="cluster"/>'s shard count is not the one the catalog was split into (recorded by the
    /// first silo): with another count, searches would ask shards for products they do not hold.
    /// </summary>
    public static void EnsureShardCount(CatalogDatabase catalog, ClusterOptions cluster)
    {
        var recorded = catalog.RecordShardCount(cluster.Shards);
        if (recorded != cluster.Shards)
        {
            throw new InvalidOperationException(
                $"The catalog at {catalog.Location} is split into {recorded} shards (fixed when its cluster first started); {ClusterOptions.SectionName}:Shards is {cluster.Shards}. Set it to {recorded}.");
        }
    }

    private static void AddCommon(IServiceCollection services, ClusterOptions cluster)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOptions<ClusterOptions>>(Options.Create(cluster));
        services.AddSingleton<ClusterPhotoSearch>();
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

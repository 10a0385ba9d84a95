using System.CommandLine;
using System.Globalization;
using Lookbook.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook silo</c>: one silo of a Lookbook cluster (Orleans, Redis membership, the PostgreSQL catalog).</summary>
internal static class SiloCommand
{
    public static Command Create(GlobalOptions global)
    {
        var siloPort = new Option<int?>("--silo-port") { Description = "Port silos talk to each other on (config Lookbook:Cluster:SiloPort, default 11111)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Port front ends connect to (config Lookbook:Cluster:GatewayPort, default 30000)." };
        var healthPort = new Option<int?>("--health-port") { Description = "Serve /health/live, /health/ready and /metrics (Prometheus) on this port (config Lookbook:Cluster:HealthPort)." };
        var redis = new Option<string?>("--redis") { Description = "Redis the cluster meets in, host:port (config Lookbook:Cluster:Redis)." };
        var command = new Command("silo",
            "Run one silo of a Lookbook cluster: it holds shards of the catalog and answers searches, and does batches of `import --cluster` (Ctrl+C or SIGTERM stops it). " +
            "It reads the shared catalog from Lookbook:Storage (Provider Postgres, ConnectionString; --db is then only where the shards' saved graphs go) and " +
            "Lookbook:Cluster (Redis, ClusterId, Shards, AdvertisedAddress, ...) — usually from lookbook.json in the folder it runs in; see docs/scaling.md.")
        {
            siloPort, gatewayPort, healthPort, redis,
        };
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(global.Overrides(result));
            void Set(string key, object? value)
            {
                if (value is not null)
                {
                    overrides[$"{ClusterOptions.SectionName}:{key}"] = Convert.ToString(value, CultureInfo.InvariantCulture);
                }
            }

            Set(nameof(ClusterOptions.SiloPort), result.GetValue(siloPort));
            Set(nameof(ClusterOptions.GatewayPort), result.GetValue(gatewayPort));
            Set(nameof(ClusterOptions.Redis), result.GetValue(redis));
            Set(nameof(ClusterOptions.HealthPort), result.GetValue(healthPort));
            var configuration = Api.Hosting.LookbookConfiguration.Build(overrides);
            var verbose = result.GetValue(global.Verbose);
            var silo = ClusterHosting.BuildSilo(configuration, services => services.AddLogging(logging => logging
                .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
                .AddFilter("Orleans", verbose ? LogLevel.Information : LogLevel.Error)
                .AddSimpleConsole(o => o.SingleLine = true)));
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            var cluster = configuration.GetSection(ClusterOptions.SectionName);
            context.Out.MarkupLine($"Silo ready: cluster [bold]{Markup.Escape(cluster["ClusterId"] ?? "lookbook")}[/], silo port {Markup.Escape(cluster["SiloPort"] ?? "11111")}, gateway port {Markup.Escape(cluster["GatewayPort"] ?? "30000")}{(cluster["HealthPort"] is { } health ? $", health and metrics on port {Markup.Escape(health)}" : "")}. Ctrl+C stops it.");
            // Either the command's token (System.CommandLine's signal handling) or the host's own (its console lifetime
            // takes SIGTERM) ends the wait: whichever sees the signal first.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
                cancellationToken, silo.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: leave the cluster politely, so its shards move at once instead of after failure detection.
            }

            // Leaving takes a second with the cluster's Redis up; without it Orleans retries its membership update, so give
            // up after a while rather than hang (the others then find this silo dead by probing, as after a crash).
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var stopped = silo.StopAsync(grace.Token);
            if (await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(20), CancellationToken.None)).ConfigureAwait(false) != stopped || !stopped.IsCompletedSuccessfully)
            {
                CommandRunner.Fail(context, "The silo could not leave the cluster in time (is its Redis reachable?); it stopped without saying goodbye.");
                return ExitCodes.Failure;
            }

            silo.Dispose();
            return ExitCodes.Success;
        });
        return command;
    }
}

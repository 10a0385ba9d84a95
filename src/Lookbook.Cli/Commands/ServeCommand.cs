using System.CommandLine;
using Lookbook.Api.Hosting;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook serve</c>: the HTTP API and the web page over the catalog.</summary>
internal static class ServeCommand
{
    public static Option<string> Urls() => new("--urls")
    {
        Description = $"Address(es) to listen on, separated by ';' (default {LookbookWebApp.DefaultUrl}; config urls / ASPNETCORE_URLS).",
    };

    public static Command Create(GlobalOptions global)
    {
        var urls = Urls();
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Be a front end of a cluster (Lookbook:Cluster, the PostgreSQL catalog): POST /api/search embeds the photo here and searches every shard; " +
                "products, images and /health/ready are served too, but not the web page, OpenAPI or shoppers' endpoints (a single node's).",
        };
        var command = new Command("serve", "Serve the HTTP API (OpenAPI at /openapi/v1.json, reference at /scalar/v1) and the search page.") { urls, cluster };
        command.SetAction(global, (result, context, cancellationToken) =>
            RunAsync(context, global.Overrides(result), result.GetValue(urls), cancellationToken, result.GetValue(cluster)));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, Dictionary<string, string?> overrides, string? urls, CancellationToken cancellationToken, bool cluster = false)
    {
        if (urls is not null)
        {
            overrides["urls"] = urls;
        }

        // --urls, else the configuration's (lookbook.json, ASPNETCORE_URLS), else the default: where the server will listen.
        var configured = urls ?? context.Configuration["urls"] ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        ServeAddresses.EnsureFree(ServeAddresses.Parse(string.IsNullOrWhiteSpace(configured) ? LookbookWebApp.DefaultUrl : configured));

        await using var app = cluster ? ClusterFrontEnd.Create([], overrides) : LookbookWebApp.Create([], overrides);
        if (cluster)
        {
            app.EnsureCompatible();
        }
        else
        {
            await app.WarmUpAsync(cancellationToken).ConfigureAwait(false);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var url in app.Urls)
        {
            context.Out.MarkupLine(cluster
                ? $"Lookbook's cluster front end is running at [bold link]{Markup.Escape(url)}[/] (POST /api/search, /health/ready). Press Ctrl+C to stop."
                : $"Lookbook is running at [bold link]{Markup.Escape(url)}[/] — API reference at {Markup.Escape(url)}/scalar/v1. Press Ctrl+C to stop.");
        }

        // The host's console lifetime turns Ctrl+C and SIGTERM into a shutdown request; waiting for it (not for a token
        // nobody cancels) is what lets the server stop, finishing the requests in flight.
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}

using System.CommandLine;
using Lookbook.Catalog.Storage;
using Lookbook.Cli.Output;
using Lookbook.Cluster;
using Lookbook.Search;
using Lookbook.Vision.Embedding;
using Lookbook.Vision.Images;
using Microsoft.Extensions.DependencyInjection;

namespace Lookbook.Cli.Commands;

/// <summary><c>lookbook search PHOTO</c>: products that look like a photo.</summary>
internal static class SearchCommand
{
    public static Command Create(GlobalOptions global)
    {
        var photo = new Argument<FileInfo>("photo") { Description = "The photo to search with (JPEG, PNG, WebP, GIF or BMP)." };
        var options = new SearchFilterOptions();
        var item = new Option<int?>("--item")
        {
            Description = "Search this garment of the photo (its number in the list of items found) instead of the best one.",
        };
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Search through the cluster's shards (Lookbook:Cluster:Redis, the PostgreSQL catalog): the photo is embedded here, whole, and ranked by similarity alone.",
        };
        var command = new Command("search", "Find the products that look most like a photo.") { photo, item, cluster };
        options.AddTo(command);
        command.SetAction(global, async (result, context, cancellationToken) =>
        {
            var file = result.GetValue(photo)!;
            var request = options.ToRequest(result) with { Item = result.GetValue(item) };
            request.Validate();
            if (result.GetValue(cluster))
            {
                var hits = await SearchClusterAsync(context, file, request, cancellationToken).ConfigureAwait(false);
                SearchResultView.Write(context, file.Name, request, context.Get<IImageEmbedder>().Profile.Description, hits, result.GetValue(options.Json));
                return ExitCodes.Success;
            }

            var found = Run(context, file, request);
            SearchResultView.Write(context, file.Name, request, context.Get<SearchableCatalogProvider>().ModelDescription, found.Hits, result.GetValue(options.Json), found);
            return ExitCodes.Success;
        }, requiresCatalog: result => !result.GetValue(cluster)); // the cluster's catalog is in PostgreSQL: checked there
        return command;
    }

    /// <summary>The photo embedded here and searched on every shard of the cluster; a partial answer is an error naming the shards.</summary>
    private static async Task<IReadOnlyList<SearchHit>> SearchClusterAsync(CliContext context, FileInfo file, SearchRequest request, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Photo not found: {file.FullName}");
        }

        ClusterHosting.EnsureConfigured(context.Configuration, "search --cluster");
        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        using var client = ClusterHosting.BuildClient(context.Configuration, services => services
            .AddSingleton(context.Get<CatalogDatabase>())
            .AddSingleton(context.Get<IImageEmbedder>()));
        var photos = client.Services.GetRequiredService<ClusterPhotoSearch>();
        photos.EnsureCompatible();
        await client.StartAsync(cancellationToken).ConfigureAwait(false);
        // Shards load their part of the catalog when first asked (placed across the silos then): wait for that here,
        // not inside the search's deadline. Once loaded this is one short call per shard.
        await client.Services.GetRequiredService<ClusterSearch>().PrepareAsync(cancellationToken).ConfigureAwait(false);
        ClusterPhotoResult result;
        try
        {
            result = await photos.SearchAsync(bytes, request.K, request.CategoryFilter, request.Attributes, cancellationToken).ConfigureAwait(false);
            for (var retry = 0; retry < 2 && result.MissingShards.Count > 0; retry++)
            {
                // A shard that is (re)loading — a silo just started or died — usually answers a moment later.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                result = await photos.SearchAsync(bytes, request.K, request.CategoryFilter, request.Attributes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ImageRejectedException e)
        {
            throw new ImageRejectedException(e.Problem, $"{file.Name}: {e.Message}");
        }

        await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (result.MissingShards.Count > 0)
        {
            throw new InvalidOperationException($"Shards {string.Join(", ", result.MissingShards)} did not answer ({string.Join("; ", result.Failures.Values.Distinct())}): the results would be incomplete.");
        }

        return [.. result.Hits.Select(h => new SearchHit(h.Product, h.Similarity))];
    }

    internal static PhotoSearchResult Run(CliContext context, FileInfo file, SearchRequest request)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Photo not found: {file.FullName}");
        }

        var bytes = File.ReadAllBytes(file.FullName);
        try
        {
            return context.Get<PhotoSearch>().Search(bytes, request);
        }
        catch (ImageRejectedException e)
        {
            throw new ImageRejectedException(e.Problem, $"{file.Name}: {e.Message}");
        }
    }
}

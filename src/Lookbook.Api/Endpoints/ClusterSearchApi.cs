using System.Diagnostics;
using System.Globalization;
using Lookbook.Api.Contracts;
using Lookbook.Api.Hosting;
using Lookbook.Catalog.Telemetry;
using Lookbook.Cluster;
using Lookbook.Vision.Images;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SearchResult = Lookbook.Api.Contracts.SearchResult;

namespace Lookbook.Api.Endpoints;

/// <summary>
/// POST /api/search on a cluster's front end (<c>lookbook serve --cluster</c>): the same request and answer as a single
/// node's, searched on every shard. An answer some shard did not give in time lists it in <c>missingShards</c> (its
/// results are the best of the others), never silently.
/// </summary>
public static class ClusterSearchApi
{
    public static IEndpointRouteBuilder MapClusterSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/search", Search)
            .WithName("SearchByPhotoInCluster")
            .WithTags("Search")
            .WithSummary("Find products that look like a photo, on every shard of the cluster")
            .Produces<SearchResponse>()
            .DisableAntiforgery();
        return app;
    }

    internal static async Task<Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult>> Search(
        HttpRequest request,
        [FromQuery] int? k,
        [FromQuery] string? category,
        [FromQuery] string[]? attr,
        [FromQuery] string? crop,
        [FromQuery] int? item,
        ClusterPhotoSearch search,
        DecodeBudget budget,
        IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (searchRequest, region, errors) = SearchParameters.Parse(k, category, attr, crop, item);
        if (searchRequest is not null && item is not null)
        {
            errors["item"] = ["A cluster's front end searches the whole photo or a crop= of it; detected items need a single node's trained head."];
            searchRequest = null;
        }

        if (searchRequest is null)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid search parameters");
        }

        var (upload, problem) = await PhotoUpload.ReadAsync(request, options.Value, cancellationToken);
        if (upload is null)
        {
            return problem!;
        }

        using var photo = upload;
        var (bitmap, busy) = await budget.DecodeAsync(request.HttpContext, photo.Bytes, options.Value, search.DecodeShortSide,
            bytes => ImageDecoder.Decode(bytes.Span, search.Limits, minShortSide: search.DecodeShortSide), cancellationToken);
        if (bitmap is null)
        {
            return busy!;
        }

        ClusterPhotoResult result;
        using (bitmap)
        {
            result = await search.SearchAsync(bitmap, region, searchRequest.K, searchRequest.CategoryFilter, searchRequest.Attributes, cancellationToken);
        }

        return TypedResults.Ok(new SearchResponse(
            [.. result.Hits.Select((h, i) => new SearchResult(i + 1, Math.Round(h.Similarity, 4), ProductLinks.Card(h.Product)))],
            Prediction: null, NoGoodMatch: false, Model: "cluster", TookMs: Math.Round(clock.Elapsed.TotalMilliseconds, 2))
        {
            MissingShards = result.MissingShards.Count > 0 ? result.MissingShards : null,
        });
    }
}

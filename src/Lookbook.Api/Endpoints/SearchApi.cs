using System.Globalization;
using Lookbook.Catalog.Telemetry;
using SkiaSharp;
using System.Diagnostics;
using Lookbook.Api.Contracts;
using Lookbook.Api.Hosting;
using Lookbook.Catalog;
using Lookbook.Catalog.Storage;
using Lookbook.Learning;
using Lookbook.Personalization;
using Lookbook.Search;
using Lookbook.Vision.Images;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SearchResult = Lookbook.Api.Contracts.SearchResult;

namespace Lookbook.Api.Endpoints;

/// <summary>POST /api/search: the products that look like an uploaded photo.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/search", SearchByPhoto)
            .RequireRateLimiting(RateLimits.Searches)
            .UsesShopperToken(required: false) // a known shopper's history re-ranks the results
            .WithMetadata(new OpenApiDocumentation.RetryAfterOn503())
            .WithName("SearchByPhoto")
            .WithTags("Search")
            .WithSummary("Find products that look like a photo")
            .WithDescription("Upload the photo as multipart/form-data (file field 'image') or as a raw image/* body. " +
                "JPEG, PNG, WebP, GIF and BMP are accepted. The garments found on the photo come back as items (box, category); the best " +
                "one is searched, another with item=index (shop the look). Optional crop=x,y,width,height (fractions) searches only that part of the photo.")
            // Documented by a transformer rather than Accepts(): Accepts() makes routing itself refuse other
            // content types, and the refusal would lack the problem details this endpoint gives.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = PhotoRequestBody();
                return Task.CompletedTask;
            })
            .Produces<SearchResponse>()
            .ProducesValidationProblem(StatusCodes.Status400BadRequest)
            .Answers(StatusCodes.Status413PayloadTooLarge, "The photo is over the byte or pixel limit (Lookbook:Api:MaxUploadBytes, MaxUploadPixels)")
            .Answers(StatusCodes.Status415UnsupportedMediaType, "Neither a multipart form with an 'image' file nor an image/* body")
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .Answers(StatusCodes.Status409Conflict, "The catalog was indexed with another model than the server's: run `lookbook reindex`")
            .Answers(StatusCodes.Status503ServiceUnavailable, "The server is decoding as many photos as its memory allows (Retry-After), or the catalog has no products yet")
            .DisableAntiforgery();
        return app;
    }

    /// <param name="k">How many products to return (1-100, default 10).</param>
    /// <param name="category">Only this category; omit to let the predicted category steer ranking, or 'any' for plain similarity.</param>
    /// <param name="attr">Attribute filters as key:value, repeatable (e.g. baseColour:Black).</param>
    /// <param name="crop">Search only this part of the photo: x,y,width,height as fractions 0..1.</param>
    /// <param name="item">Search this detected item (an index into a previous answer's items) instead of the best one.</param>
    internal static async Task<Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult>> SearchByPhoto(
        HttpRequest request,
        [FromQuery] int? k,
        [FromQuery] string? category,
        [FromQuery] string[]? attr,
        [FromQuery] string? crop,
        [FromQuery] int? item,
        PhotoSearch search,
        DecodeBudget budget,
        SearchableCatalogProvider catalogs,
        ShopperService shoppers,
        IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (searchRequest, region, errors) = SearchParameters.Parse(k, category, attr, crop, item);
        if (searchRequest is null)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid search parameters");
        }

        var (upload, problem) = await PhotoUpload.ReadAsync(request, options.Value, cancellationToken);
        if (upload is null)
        {
            return problem!; // ReadAsync returns either the photo or the problem
        }

        using var photo = upload;
        var (bitmap, busy) = await budget.DecodeAsync(request.HttpContext, photo.Bytes, options.Value, search.DecodeShortSide, bytes => search.Decode(bytes.Span), cancellationToken);
        if (bitmap is null)
        {
            return busy!;
        }

        // A known shopper's history re-ranks the visually similar products; anonymous searches are not personalised.
        var shopperId = request.HttpContext.CurrentShopper(shoppers);
        PhotoSearchResult result;
        using (bitmap)
        {
            result = await search.SearchAsync(bitmap, searchRequest, region, shopperId, cancellationToken);
        }

        return TypedResults.Ok(ToResponse(result.Hits, catalogs.ModelDescription, clock, result.Prediction, result.NoGoodMatch, result.Colour) with
        {
            Items = [.. result.Items.Select((found, i) => new DetectedItemResponse(i,
                new BoxResponse(Math.Round(found.Box.X, 4), Math.Round(found.Box.Y, 4), Math.Round(found.Box.Width, 4), Math.Round(found.Box.Height, 4)),
                found.Category, Math.Round(found.Confidence, 4), Math.Round(found.Score, 4)))],
            SearchedItem = result.SearchedItem,
        });
    }

    private static OpenApiRequestBody PhotoRequestBody()
    {
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        return new OpenApiRequestBody
        {
            Required = true,
            Description = "The photo: a multipart form with a file field 'image', or the image bytes with an image/* content type.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema> { [PhotoUpload.FieldName] = binary },
                        Required = new HashSet<string> { PhotoUpload.FieldName },
                    },
                },
                ["image/*"] = new() { Schema = binary },
            },
        };
    }

    internal static SearchResponse ToResponse(
        IReadOnlyList<SearchHit> hits, string model, Stopwatch clock, CategoryPrediction? prediction = null, bool noGoodMatch = false, ColourPrediction? colour = null) =>
        new(hits.Select((h, i) => new SearchResult(i + 1, Math.Round(h.Similarity, 4), ProductLinks.Card(h.Product))).ToList(),
            prediction is null ? null : new PredictionResponse(prediction.Category, Math.Round(prediction.Confidence, 4)),
            noGoodMatch, model, Math.Round(clock.Elapsed.TotalMilliseconds, 2),
            Colour: colour is { IsConfident: true } ? new ColourResponse(colour.Colour, Math.Round(colour.Confidence, 4)) : null); // an unsure colour is not worth saying
}

using System.Diagnostics;
using Lookbook.Api.Contracts;
using Lookbook.Api.Hosting;
using Lookbook.Catalog.Storage;
using Lookbook.Search;
using Lookbook.Vision.Images;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Lookbook.Api.Endpoints;

/// <summary>/api/products: listing, detail, images and "similar products".</summary>
public static class ProductsApi
{
    private const int MaxPageSize = 200;
    private const string UnknownProduct = "No product with this id in the catalog";

    // Products a page may start after: far beyond any catalog, and (page - 1) × pageSize never overflows an int.
    private const long MaxOffset = 100_000_000;

    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/api/products").WithTags("Products");
        products.MapGet("/", ListProducts).WithName("ListProducts").WithSummary("List products, by page, with category and text filters");
        products.MapGet("/{id}", GetProduct).WithName("GetProduct").WithSummary("One product with its attributes")
            .Answers(StatusCodes.Status404NotFound, UnknownProduct);
        products.MapGet("/{id}/similar", SimilarProducts).RequireRateLimiting(RateLimits.Searches).WithName("SimilarProducts").WithSummary("Products that look like this one")
            .Answers(StatusCodes.Status404NotFound, UnknownProduct);
        products.MapGet("/{id}/image", GetImage).WithName("GetProductImage").WithSummary("The product's image, full size (ETag-cached)")
            .ProducesImage("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp") // as imported
            .Answers(StatusCodes.Status404NotFound, UnknownProduct + ", or its image file was moved or deleted after the import");
        products.MapGet("/{id}/thumbnail", GetThumbnail).WithName("GetProductThumbnail").WithSummary("The product's image, small (ETag-cached)")
            .ProducesImage("image/jpeg", "image/png") // PNG only where the image has transparency
            .Answers(StatusCodes.Status404NotFound, UnknownProduct);
        products.MapDelete("/{id}", DeleteProduct).WithName("DeleteProduct").WithSummary("Remove a product (needs the X-Api-Key header)")
            .RequireApiKey()
            .Answers(StatusCodes.Status404NotFound, UnknownProduct);
        return app;
    }

    /// <param name="page">1-based page number.</param>
    /// <param name="pageSize">Products per page (1-200, default 24).</param>
    /// <param name="category">Only this category.</param>
    /// <param name="q">Words to find in the title or attribute values (each also as the start of a longer word; case and accents ignored); best matches first.</param>
    internal static Results<Ok<ProductListResponse>, ValidationProblem> ListProducts(
        CatalogDatabase database, [FromQuery] int? page, [FromQuery] int? pageSize, [FromQuery] string? category, [FromQuery] string? q)
    {
        var (number, size) = (page ?? 1, pageSize ?? 24);
        var errors = new Dictionary<string, string[]>();
        if (number < 1)
        {
            errors["page"] = [$"page starts at 1; got {number}."];
        }
        else if (size is >= 1 and <= MaxPageSize && (long)(number - 1) * size > MaxOffset)
        {
            errors["page"] = [$"page {number} of {size} starts past the last product any catalog can hold; at most page {MaxOffset / size + 1} at this pageSize."];
        }

        if (size is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}; got {size}."];
        }

        if (!string.IsNullOrWhiteSpace(q) && TextQuery.Problem(q) is { } problem)
        {
            errors["q"] = [problem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid product list parameters");
        }

        var result = database.ListProducts((int)((long)(number - 1) * size), size, string.IsNullOrWhiteSpace(category) ? null : category, q);
        return TypedResults.Ok(new ProductListResponse(result.Items.Select(ProductLinks.Card).ToList(), number, size, result.Total));
    }

    internal static Results<Ok<ProductDetail>, ProblemHttpResult> GetProduct(string id, HttpContext context, CatalogDatabase database)
    {
        id = ProductLinks.IdFromRequest(context, id);
        var product = database.GetProduct(id);
        var image = product is null ? null : database.GetImage(id);
        return product is null || image is null
            ? Problems.ProductNotFound(id)
            : TypedResults.Ok(new ProductDetail(product.Id, product.Title, product.Category, product.Attributes,
                ProductLinks.Image(id), ProductLinks.Thumbnail(id), image.Width, image.Height, ProductFacts.All(product), ProductFacts.Price(product)));
    }

    /// <param name="k">How many products (1-100, default 10).</param>
    /// <param name="category">Only this category.</param>
    /// <param name="attr">Attribute filters as key:value, repeatable.</param>
    internal static Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult> SimilarProducts(
        string id, HttpContext context, SimilarProducts similar, SearchableCatalogProvider catalogs, [FromQuery] int? k, [FromQuery] string? category, [FromQuery] string[]? attr)
    {
        id = ProductLinks.IdFromRequest(context, id);
        var clock = Stopwatch.StartNew();
        var (request, _, errors) = SearchParameters.Parse(k, category, attr);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid search parameters");
        }

        try
        {
            return TypedResults.Ok(SearchApi.ToResponse(similar.Find(id, request), catalogs.ModelDescription, clock));
        }
        catch (CatalogEmptyException)
        {
            // Nothing is indexed, so neither is this product: for a product's page that is an unknown product, not a 503.
            return Problems.ProductNotFound(id);
        }
    }

    internal static Results<FileContentHttpResult, ProblemHttpResult> GetImage(string id, HttpContext context, CatalogDatabase database, HttpResponse response)
    {
        id = ProductLinks.IdFromRequest(context, id);
        var (image, bytes, problem) = Load(id, database, context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Lookbook.Api.Products"));
        AllowCaching(response, problem);
        return problem ?? (Results<FileContentHttpResult, ProblemHttpResult>)TypedResults.File(
            bytes!, Thumbnails.ContentTypeOf(image!.Format), entityTag: new EntityTagHeaderValue($"\"{image.Hash}\""));
    }

    internal static Results<FileContentHttpResult, ProblemHttpResult> GetThumbnail(
        string id, HttpContext context, CatalogDatabase database, IMemoryCache cache, IOptions<ApiOptions> options, HttpResponse response)
    {
        id = ProductLinks.IdFromRequest(context, id);
        var (image, bytes, problem) = Load(id, database, context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Lookbook.Api.Products"));
        AllowCaching(response, problem);
        if (problem is not null)
        {
            return problem;
        }

        var size = options.Value.ThumbnailSize;
        var thumbnail = cache.GetOrCreate($"thumb:{image!.Hash}:{size}", entry =>
        {
            var rendered = Thumbnails.Render(bytes!, image.Format, size, ImageLimits.Default);
            entry.Size = rendered.Bytes.Length;
            return rendered;
        })!;
        return TypedResults.File(thumbnail.Bytes, thumbnail.ContentType, entityTag: new EntityTagHeaderValue($"\"{image.Hash}-{size}\""));
    }

    internal static Results<NoContent, ProblemHttpResult> DeleteProduct(string id, HttpContext context, CatalogDatabase database, SearchableCatalogProvider catalogs)
    {
        id = ProductLinks.IdFromRequest(context, id);
        if (database.DeleteProducts([id]) == 0)
        {
            return Problems.ProductNotFound(id);
        }

        catalogs.Remove([id]); // out of the index now, in place; the refresher catches the rest up
        return TypedResults.NoContent();
    }

    /// <summary>Images change only with their hash (the ETag): browsers may keep them an hour, then revalidate cheaply.</summary>
    private static void AllowCaching(HttpResponse response, ProblemHttpResult? problem)
    {
        if (problem is null)
        {
            response.Headers.CacheControl = "public, max-age=3600";
        }
    }

    private static (StoredImage? Image, byte[]? Bytes, ProblemHttpResult? Problem) Load(string id, CatalogDatabase database, ILogger logger)
    {
        var image = database.GetImage(id);
        if (image is null)
        {
            return (null, null, Problems.ProductNotFound(id));
        }

        if (image.Bytes is { } bytes)
        {
            return (image, bytes, null);
        }

        try
        {
            return (image, File.ReadAllBytes(image.Path!), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Where the file was is the server's business (logged), not the client's.
            logger.LogWarning("The image of product {ProductId} at {Path} can no longer be read: {Reason}", id, image.Path, e.Message);
            return (image, null, Problems.Create(StatusCodes.Status404NotFound, "Image file missing",
                $"The image file of product '{id}' can no longer be read: it was moved or deleted after the import. Import the catalog again from its source."));
        }
    }
}

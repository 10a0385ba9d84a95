using Lookbook.Api.Contracts;
using Lookbook.Api.Hosting;
using Lookbook.Catalog.Storage;
using Lookbook.Evaluation;
using Lookbook.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookbook.Api.Endpoints;

/// <summary>/api/categories and catalog maintenance.</summary>
public static class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/categories", ListCategories).WithTags("Catalog").WithName("ListCategories")
            .WithSummary("Categories with their product counts");
        app.MapGet("/report", EvaluationReport).WithTags("Catalog").WithName("EvaluationReport")
            .WithSummary("The latest evaluation report (HTML), written by `lookbook evaluate`")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(string), ["text/html"]) { Description = "No evaluation yet (a page saying to run `lookbook evaluate`)" });
        app.MapPost("/api/catalog/reload", Reload).WithTags("Catalog").WithName("ReloadCatalog")
            .WithSummary("Build the searchable catalog anew now (the server also catches up with imports by itself every few seconds; needs the X-Api-Key header)")
            .RequireApiKey();
        return app;
    }

    internal static Ok<List<CategoryResponse>> ListCategories(CatalogDatabase database) =>
        TypedResults.Ok(database.GetStats().Categories.Select(c => new CategoryResponse(c.Category, c.Products)).ToList());

    /// <summary>A page for people, so its "not yet" is a page too.</summary>
    internal static IResult EvaluationReport(CatalogDatabase database)
    {
        var path = database.Files.ReportHtml;
        return File.Exists(path)
            ? TypedResults.Content(File.ReadAllText(path), "text/html; charset=utf-8")
            : HtmlPages.Message(StatusCodes.Status404NotFound, "No evaluation yet",
                "Run `lookbook evaluate` to measure how well this catalog is searched (accuracy, precision, recall, retrieval); its report then appears here.");
    }

    internal static NoContent Reload(SearchableCatalogProvider catalogs)
    {
        catalogs.Refresh(rebuild: true);
        return TypedResults.NoContent();
    }
}

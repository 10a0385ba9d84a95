using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookbook.Api.Hosting;

/// <summary>
/// RFC 7807 answers with a title and a detail a person can act on, for handlers that decide them; exceptions become
/// problems in <see cref="ExceptionProblems"/>.
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult ProductNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, "Unknown product", $"No product with id '{id}' in the catalog.");
}

using Lookbook.Vision.Images;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookbook.Api.Hosting;

/// <summary>RFC 7807 answers with a title and a detail a person can act on.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult ProductNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, "Unknown product", $"No product with id '{id}' in the catalog.");

    public static ProblemHttpResult From(ImageRejectedException error) => error.Problem switch
    {
        ImageProblem.TooLarge => Create(StatusCodes.Status413PayloadTooLarge, "Image too large", error.Message),
        ImageProblem.Empty => Create(StatusCodes.Status400BadRequest, "Empty file", error.Message),
        ImageProblem.NotAnImage => Create(StatusCodes.Status400BadRequest, "Not an image", error.Message),
        ImageProblem.Truncated => Create(StatusCodes.Status400BadRequest, "Incomplete image", error.Message),
        _ => Create(StatusCodes.Status400BadRequest, "Corrupt image", error.Message),
    };
}

using Lookbook.Catalog.Storage;
using Lookbook.Learning.Localization;
using Lookbook.Personalization;
using Lookbook.Search;
using Lookbook.Vision.Images;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Which exceptions are answers rather than faults, and what each one tells the client: the one table behind
/// <see cref="ProblemExceptionHandler"/>. Anything not listed here is a server fault.
/// </summary>
internal static class ExceptionProblems
{
    /// <summary>The problem for an exception the client (or the state of the catalog) caused; null for a server fault.</summary>
    public static ProblemDetails? For(Exception exception) => exception switch
    {
        ImageRejectedException e => Image(e),
        CatalogEmptyException e => Problem(StatusCodes.Status503ServiceUnavailable, "Catalog is empty", e.Message),
        ProductNotFoundException e => Problem(StatusCodes.Status404NotFound, "Unknown product", e.Message),
        ItemNotFoundException e => Problem(StatusCodes.Status400BadRequest, "Unknown item", e.Message),
        UnknownAttributeException e => Problem(StatusCodes.Status400BadRequest, "Unknown attribute filter", e.Message),
        UnknownCategoryException e => Problem(StatusCodes.Status400BadRequest, "Unknown category", e.Message),
        InvalidPreferencesException e => Invalid(e.Field, e.Message),
        EmbeddingMismatchException e => Problem(StatusCodes.Status409Conflict, "Catalog indexed with another model", e.Message),
        // Kestrel's own refusals (a body too slow, too large or cut short) carry the status they deserve.
        BadHttpRequestException e => Problem(e.StatusCode, Title(e.StatusCode), e.Message),
        _ => null,
    };

    /// <summary>
    /// The client hung up: nobody is left to answer. An abort surfaces as a cancellation or an I/O error once Kestrel has
    /// cancelled <see cref="HttpContext.RequestAborted"/>, or as a reset that can arrive just before it does.
    /// </summary>
    public static bool IsClientGone(HttpContext context, Exception exception) =>
        exception is ConnectionResetException
        || (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested);

    private static HttpValidationProblemDetails Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] }) { Status = StatusCodes.Status400BadRequest, Title = "Invalid preferences", Detail = message };

    public static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static ProblemDetails Image(ImageRejectedException error) => error.Problem switch
    {
        ImageProblem.TooLarge => Problem(StatusCodes.Status413PayloadTooLarge, "Image too large", error.Message),
        ImageProblem.Empty => Problem(StatusCodes.Status400BadRequest, "Empty file", error.Message),
        ImageProblem.NotAnImage => Problem(StatusCodes.Status400BadRequest, "Not an image", error.Message),
        ImageProblem.Truncated => Problem(StatusCodes.Status400BadRequest, "Incomplete image", error.Message),
        ImageProblem.RegionTooSmall => Problem(StatusCodes.Status400BadRequest, "Crop too small", error.Message),
        _ => Problem(StatusCodes.Status400BadRequest, "Corrupt image", error.Message),
    };

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Malformed request",
        StatusCodes.Status408RequestTimeout => "Request timeout",
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };
}

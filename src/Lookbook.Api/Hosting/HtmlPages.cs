using System.Text.Encodings.Web;
using Microsoft.Extensions.FileProviders;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Pages for people where a path is not the API: an unknown page, the evaluation report before any evaluation. They
/// answer HTML with the right status (the API keeps answering problem+json), in the page's look (web/message.html).
/// </summary>
internal static class HtmlPages
{
    private static readonly Lazy<string> Template = new(() =>
    {
        var files = new ManifestEmbeddedFileProvider(typeof(HtmlPages).Assembly, "web");
        using var reader = new StreamReader(files.GetFileInfo("message.html").CreateReadStream());
        return reader.ReadToEnd();
    });

    public static IResult Message(int status, string title, string message) =>
        TypedResults.Content(
            Template.Value.Replace("{{title}}", HtmlEncoder.Default.Encode(title), StringComparison.Ordinal)
                .Replace("{{message}}", HtmlEncoder.Default.Encode(message), StringComparison.Ordinal),
            "text/html; charset=utf-8", statusCode: status);

    /// <summary>The answer for a page address nothing serves.</summary>
    public static IResult NotFound(HttpContext context) =>
        Message(StatusCodes.Status404NotFound, "Page not found", $"There is no page at {context.Request.Path}.");
}

using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace Lookbook.Api.Hosting;

/// <summary>
/// The answer for an /api address no endpoint took. Routing hands every such request to the fallback — also one whose
/// path is right but whose method or content type is not — so this tells the three apart: 405 with the methods the
/// address has (Allow), 415 with the content types the endpoint reads, else 404.
/// </summary>
internal static class ApiFallback
{
    public static IResult Answer(HttpContext context, EndpointDataSource endpoints)
    {
        var path = context.Request.Path.Value ?? "";
        var matching = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Order < int.MaxValue && e.RoutePattern.RawText is { } raw && !raw.Contains("{**", StringComparison.Ordinal) && Matches(e.RoutePattern, path))
            .ToList();
        if (matching.Count == 0)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown endpoint",
                "No API endpoint at this address; the OpenAPI document is at /openapi/v1.json.");
        }

        var methods = matching.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Order().ToList();
        if (methods.Count > 0 && !methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.Headers.Allow = string.Join(", ", methods);
            return Problems.Create(StatusCodes.Status405MethodNotAllowed, "Method not allowed",
                $"{context.Request.Method} is not allowed at this address; it answers {string.Join(", ", methods)}.");
        }

        var accepted = matching.SelectMany(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"This endpoint does not read {(string.IsNullOrEmpty(context.Request.ContentType) ? "a body without a Content-Type" : $"'{context.Request.ContentType}'")}"
            + (accepted.Count > 0 ? $"; send {string.Join(" or ", accepted)}." : "."));
    }

    private static bool Matches(RoutePattern pattern, string path) =>
        new TemplateMatcher(TemplateParser.Parse(pattern.RawText!.TrimStart('/')), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary());
}

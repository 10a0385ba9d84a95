using Lookbook.Api.Contracts;
using Lookbook.Catalog;

namespace Lookbook.Api.Hosting;

/// <summary>Builds the URLs a client follows from a product.</summary>
internal static class ProductLinks
{
    public static string Image(string id) => $"/api/products/{Uri.EscapeDataString(id)}/image";

    public static string Thumbnail(string id) => $"/api/products/{Uri.EscapeDataString(id)}/thumbnail";

    /// <summary>
    /// The product id of a /api/products/{id}[/…] request, decoded once from the path exactly as the client sent it.
    /// The route value cannot be used as it is: Kestrel decodes every escape in a path except %2F (so that none can forge
    /// a path separator), so "dresses%2Fa%252Fb.png" (the id "dresses/a%2Fb.png") and "dresses%2Fa%2Fb.png" would reach
    /// the route alike. Without the raw target (an in-memory test server), the route value with %2F read as '/'.
    /// </summary>
    public static string IdFromRequest(HttpContext context, string routeValue)
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (raw is ['/', ..])
        {
            var segments = raw.Split('?', 2)[0].Split('/');
            if (segments.Length >= 4 && string.Equals(segments[1], "api", StringComparison.OrdinalIgnoreCase) && string.Equals(segments[2], "products", StringComparison.OrdinalIgnoreCase) && segments[3].Length > 0)
            {
                return Uri.UnescapeDataString(segments[3]);
            }
        }

        return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    public static ProductCard Card(Product product) =>
        new(product.Id, product.Title, product.Category, Image(product.Id), Thumbnail(product.Id), ProductFacts.Short(product), ProductFacts.Price(product));
}

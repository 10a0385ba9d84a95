using Lookbook.Api.Contracts;
using Lookbook.Catalog;

namespace Lookbook.Api.Hosting;

/// <summary>Builds the URLs a client follows from a product.</summary>
internal static class ProductLinks
{
    public static string Image(string id) => $"/api/products/{Uri.EscapeDataString(id)}/image";

    public static string Thumbnail(string id) => $"/api/products/{Uri.EscapeDataString(id)}/thumbnail";

    /// <summary>
    /// The product id from a route value. Kestrel decodes every escape in a path except %2F (so that
    /// it cannot forge a path separator); ids such as "dresses/red-midi" arrive with it still encoded.
    /// </summary>
    public static string IdFromRoute(string value) => value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    public static ProductCard Card(Product product) =>
        new(product.Id, product.Title, product.Category, Image(product.Id), Thumbnail(product.Id));
}

using Lookbook.Catalog.Storage;
using Lookbook.Vision.Images;

namespace Lookbook.Learning;

/// <summary>
/// Catalog shots' colour descriptors (<see cref="ColourDescriptor"/>), read from the products' stored images and prepared
/// as the model sees them: what the colour head learns from and is validated on. Not stored: a colour head is trained
/// rarely, and describing 8,000 images costs seconds.
/// </summary>
public static class CatalogColours
{
    /// <summary>
    /// The descriptor of each product's image, by product id; products whose image is missing or unreadable are left out
    /// (their colour is then unknown to the colour head, as a photo's without pixels is).
    /// </summary>
    public static Dictionary<string, float[]> Describe(
        CatalogDatabase database, ImagePreparer preparer, IReadOnlyCollection<string> productIds, CancellationToken cancellationToken = default)
    {
        var ids = productIds.Distinct(StringComparer.Ordinal).ToList();
        var descriptors = new float[]?[ids.Count];
        Parallel.For(0, ids.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            if (database.ReadImageBytes(ids[i]) is not { } bytes)
            {
                return;
            }

            try
            {
                using var prepared = preparer.Prepare(bytes);
                descriptors[i] = preparer.DescribeColour(prepared);
            }
            catch (ImageRejectedException)
            {
                // Unreadable now (it was readable when imported, or it would have no vector): colour unknown.
            }
        });

        var byId = new Dictionary<string, float[]>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (descriptors[i] is { } descriptor)
            {
                byId[ids[i]] = descriptor;
            }
        }

        return byId;
    }
}
